package io.tokenpath.capture.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The header of a version 1.0 {@code .npy} file: the magic "\x93NUMPY", version bytes 1 and 0, a little-endian
 * uint16 length, then an ASCII Python dict literal with the dtype, order and shape, padded with spaces and ended by a
 * newline so that the data starts on a 64-byte boundary (what numpy itself writes, so memory maps stay aligned).
 */
public final class NpyHeader {
    private NpyHeader() {}

    private static final int ALIGN = 64;
    private static final int PREFIX = 10;

    /** Header bytes for a C-order array of {@code descr} (e.g. "&lt;f4") with {@code shape}. */
    public static byte[] of(String descr, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dict.append(", ");
            dict.append(shape[i]);
        }
        if (shape.length == 1) dict.append(','); // a one-element Python tuple needs the trailing comma
        dict.append("), }");
        int unpadded = PREFIX + dict.length() + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        dict.append(" ".repeat(total - unpadded)).append('\n');
        int headerLen = total - PREFIX;
        if (headerLen > 0xFFFF) throw new IllegalArgumentException("npy v1.0 header of " + headerLen + " bytes is too long");
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) headerLen);
        b.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
