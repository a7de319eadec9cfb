package io.tokenpath.capture.export;

import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test-side .safetensors reader: checks the 8-byte length, the JSON header and that the tensors tile the data
 * section exactly (no gap, no overlap, nothing left over), as the safetensors loaders insist.
 */
public record SafetensorsFile(Map<String, String> metadata, Map<String, long[]> shapes, Map<String, float[]> tensors,
        long headerLength) {

    @SuppressWarnings("unchecked")
    public static SafetensorsFile read(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        if (!json.startsWith("{")) throw new AssertionError("header must start with '{'");
        Map<String, Object> h = Json.parseObject(json);
        Map<String, String> meta = new LinkedHashMap<>();
        ((Map<String, Object>) h.getOrDefault("__metadata__", Map.of())).forEach((k, v) -> meta.put(k, (String) v));
        int dataStart = 8 + (int) n;
        int dataLen = b.length - dataStart;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> tensors = new LinkedHashMap<>();
        TreeMap<Long, Long> spans = new TreeMap<>();
        for (Map.Entry<String, Object> e : h.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            Map<String, Object> t = (Map<String, Object>) e.getValue();
            if (!"F32".equals(t.get("dtype"))) throw new AssertionError(e.getKey() + ": dtype " + t.get("dtype"));
            long[] shape = ((List<Object>) t.get("shape")).stream().mapToLong(x -> ((Number) x).longValue()).toArray();
            List<Object> off = (List<Object>) t.get("data_offsets");
            long begin = ((Number) off.get(0)).longValue();
            long end = ((Number) off.get(1)).longValue();
            long count = 1;
            for (long d : shape) count *= d;
            if (end - begin != count * 4) throw new AssertionError(e.getKey() + ": offsets do not match the shape");
            spans.put(begin, end);
            float[] f = new float[(int) count];
            ByteBuffer.wrap(b, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            shapes.put(e.getKey(), shape);
            tensors.put(e.getKey(), f);
        }
        long at = 0;
        for (Map.Entry<Long, Long> s : spans.entrySet()) {
            if (s.getKey() != at) throw new AssertionError("gap or overlap in the data section at " + at);
            at = s.getValue();
        }
        if (at != dataLen) throw new AssertionError("data section has " + dataLen + " bytes, tensors cover " + at);
        return new SafetensorsFile(meta, shapes, tensors, n);
    }
}
