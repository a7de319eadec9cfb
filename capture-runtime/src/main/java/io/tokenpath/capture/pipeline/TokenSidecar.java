package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code {output}_tokens.json}, STRAP-LLM's sidecar: every token with its request, step, id, text and time, plus
 * how many tensor frames and bytes the stream holds for that (request, step). Built by scanning the finished
 * stream, so it covers resumed captures and costs no memory while capturing.
 */
public final class TokenSidecar {
    private TokenSidecar() {}

    public static Path pathFor(Path output) {
        return output.resolveSibling(output.getFileName() + "_tokens.json");
    }

    public static Path write(Path output) throws IOException {
        Map<String, long[]> perStep = new HashMap<>();
        List<Map<String, Object>> tokens = new ArrayList<>();
        List<Long> tokenOffsets = new ArrayList<>();
        try (StreamReader r = StreamReader.open(output)) {
            for (Frame f : r) {
                if (f.kind() == FrameKind.TENSOR) {
                    TensorHeader h = f.tensorHeader();
                    long[] c = perStep.computeIfAbsent(h.requestId() + "/" + h.step(), k -> new long[2]);
                    c[0]++;
                    c[1] += f.totalLength();
                } else if (f.kind() == FrameKind.TOKEN) {
                    TokenRecord t = f.token();
                    tokens.add(Json.map("request_id", t.requestId(), "step", (long) t.step(), "token_id", (long) t.tokenId(),
                            "text", t.text(), "timestamp_ns", t.timestampNanos(), "last", t.last()));
                    tokenOffsets.add(f.offset());
                }
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            Map<String, Object> t = tokens.get(i);
            long[] c = perStep.getOrDefault(t.get("request_id") + "/" + t.get("step"), new long[2]);
            t.put("tensor_frames", c[0]);
            t.put("tensor_bytes", c[1]);
            t.put("offset", tokenOffsets.get(i));
        }
        Map<String, Object> doc = Json.map("format", "tokenpath-tokens", "version", 1L,
                "stream", output.getFileName().toString(), "token_count", (long) tokens.size(), "tokens", tokens);
        Path side = pathFor(output);
        Path tmp = side.resolveSibling(side.getFileName() + ".tmp");
        Files.writeString(tmp, Json.writePretty(doc), StandardCharsets.UTF_8);
        Files.move(tmp, side, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return side;
    }
}
