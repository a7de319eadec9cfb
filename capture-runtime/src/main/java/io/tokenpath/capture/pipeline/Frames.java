package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.format.StreamFormat;
import io.tokenpath.capture.util.Json;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds whole small frames (header, JSON metadata, token) on the heap. */
final class Frames {
    private Frames() {}

    static ByteBuffer frame(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(StreamFormat.FRAME_HEADER_BYTES + n.length + data.length);
        b.putShort((short) n.length).putInt(data.length).put(n).put(data).flip();
        return b;
    }

    static ByteBuffer json(String name, Map<String, Object> value) {
        return frame(name, Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    static ByteBuffer header(Map<String, Object> metadata) {
        byte[] json = Json.write(metadata).getBytes(StandardCharsets.UTF_8);
        ByteBuffer d = ByteBuffer.allocate(StreamFormat.HEADER_FIXED_BYTES + json.length);
        d.put(StreamFormat.MAGIC).putShort((short) StreamFormat.VERSION).putShort((short) 0).put(json);
        return frame(StreamFormat.HEADER_FRAME, d.array());
    }
}
