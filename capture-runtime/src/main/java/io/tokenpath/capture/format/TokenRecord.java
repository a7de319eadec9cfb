package io.tokenpath.capture.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One generated token, as a {@code __token} frame's data (big-endian):
 *
 * <pre>
 * off size field
 *   0    2 fixed_len  (28 in v1; readers skip to it, so later versions can add fields)
 *   2    8 request id (i64)
 *  10    4 step       (i32: 0 for the token the prefill produced, k for the k-th decode step)
 *  14    8 timestamp  (i64 ns since the Unix epoch)
 *  22    4 token id   (i32)
 *  26    2 flags      (bit 0: last token of its request)
 *  28    * text       (UTF-8, to the end of the frame)
 * </pre>
 */
public record TokenRecord(long requestId, int step, long timestampNanos, int tokenId, boolean last, String text) {

    public TokenRecord {
        text = text == null ? "" : text;
    }

    public byte[] encode() {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(StreamFormat.TOKEN_FIXED_BYTES + t.length).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) StreamFormat.TOKEN_FIXED_BYTES);
        b.putLong(requestId);
        b.putInt(step);
        b.putLong(timestampNanos);
        b.putInt(tokenId);
        b.putShort((short) (last ? 1 : 0));
        b.put(t);
        return b.array();
    }

    public static TokenRecord decode(ByteBuffer data) throws StreamFormatException {
        ByteBuffer in = data.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (in.remaining() < StreamFormat.TOKEN_FIXED_BYTES) {
            throw new StreamFormatException("token frame data is " + in.remaining() + " bytes, shorter than "
                    + StreamFormat.TOKEN_FIXED_BYTES);
        }
        int fixed = Short.toUnsignedInt(in.getShort());
        if (fixed < StreamFormat.TOKEN_FIXED_BYTES || fixed > data.remaining()) {
            throw new StreamFormatException("token frame fixed_len " + fixed + " is inconsistent with its "
                    + data.remaining() + " bytes");
        }
        long req = in.getLong();
        int step = in.getInt();
        long ts = in.getLong();
        int id = in.getInt();
        int flags = Short.toUnsignedInt(in.getShort());
        in.position(fixed);
        byte[] t = new byte[in.remaining()];
        in.get(t);
        return new TokenRecord(req, step, ts, id, (flags & 1) != 0, new String(t, StandardCharsets.UTF_8));
    }
}
