package io.tokenpath.capture.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Writes decoded float32 values as little-endian bytes (the byte order npy '&lt;f4' and safetensors F32 use). */
final class Float32Out {
    private Float32Out() {}

    static ByteBuffer littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b;
    }

    /** Writes all of {@code b} at {@code position} (a positional write may be short; loop until done). */
    static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }
}
