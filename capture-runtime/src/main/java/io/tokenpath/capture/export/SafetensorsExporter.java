package io.tokenpath.capture.export;

import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;
import io.tokenpath.capture.util.OutputFileException;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports the selected tensors into one {@code .safetensors} file: an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} (offsets
 * relative to the data section) plus a {@code __metadata__} map of strings, then the tensors' little-endian data
 * back to back in stream order.
 *
 * <p>Each frame becomes one tensor named {@code <layer>/r<request>/s<step>}; a layer captured more than once at the
 * same position (a block called twice in one step) gets {@code #1}, {@code #2}, ... on its later frames. Values are
 * the decoded float32, in the frame's stored shape.
 *
 * <p>Two passes, as the header must precede the data: tensor headers first (names, shapes, offsets), then one decode
 * per frame written sequentially. Frames appended after the first pass are left out.
 */
public final class SafetensorsExporter {
    private SafetensorsExporter() {}

    /** What was written. */
    public record Result(Path file, int tensors, long dataBytes, long headerBytes) {}

    private record Entry(long offset, String name, long[] shape, long begin, long end) {}

    /**
     * Writes the tensors {@code selector} takes to {@code file} (replaced if it exists).
     *
     * @param metadata string pairs for {@code __metadata__} (source stream, selection, ...)
     * @return null when no tensor matched (nothing is written)
     * @throws IOException if a frame does not decode (names its offset) or the file cannot be written (names it)
     */
    public static Result export(StreamReader reader, TensorSelector selector, Path file, Map<String, String> metadata)
            throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        long dataBytes = 0;
        for (Frame f : selector.select(reader)) {
            TensorHeader h = f.tensorHeader();
            String base = f.name() + "/r" + h.requestId() + "/s" + h.step();
            int repeat = seen.merge(base, 1, Integer::sum) - 1;
            String name = repeat == 0 ? base : base + "#" + repeat;
            long bytes = Math.multiplyExact(h.elementCount(), (long) Float.BYTES);
            entries.add(new Entry(f.offset(), name, h.shape(), dataBytes, dataBytes + bytes));
            dataBytes += bytes;
        }
        long limit = reader.end().offset();
        if (entries.isEmpty()) return null;

        byte[] header = headerJson(entries, metadata);
        try (FileChannel ch = open(file)) {
            ByteBuffer lead = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            write(ch, file, lead, 0);
            write(ch, file, ByteBuffer.wrap(header), 8);
            long dataStart = 8L + header.length;
            int k = 0;
            for (Frame f : selector.select(reader)) {
                if (f.offset() >= limit) break;
                if (k >= entries.size() || entries.get(k).offset != f.offset()) {
                    // The file was replaced or rewritten between the passes; the header no longer describes it.
                    throw new StreamFormatException("stream changed during export: frame '" + f.name()
                            + "' was not there in the first pass", f.offset());
                }
                Entry e = entries.get(k++);
                write(ch, file, Float32Out.littleEndian(f.decode().floats()), dataStart + e.begin);
            }
        }
        return new Result(file, entries.size(), dataBytes, 8L + header.length);
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new OutputFileException(file, e);
        }
    }

    /** Output errors name the output file, so they are not mistaken for problems of the stream being read. */
    private static void write(FileChannel ch, Path file, ByteBuffer b, long position) throws IOException {
        try {
            Float32Out.writeFully(ch, b, position);
        } catch (IOException e) {
            throw new OutputFileException(file, e);
        }
    }

    /**
     * The JSON header, padded with spaces (the format allows trailing whitespace) so the data section starts on an
     * 8-byte boundary and can be memory-mapped as float32 directly.
     */
    private static byte[] headerJson(List<Entry> entries, Map<String, String> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("__metadata__", new LinkedHashMap<>(metadata));
        for (Entry e : entries) {
            List<Long> shape = new ArrayList<>();
            for (long d : e.shape) shape.add(d);
            h.put(e.name, Json.map("dtype", DType.FLOAT32.safetensorsName(), "shape", shape,
                    "data_offsets", List.of(e.begin, e.end)));
        }
        byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 8 + 7) / 8 * 8 - 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) out[i] = ' ';
        return out;
    }
}
