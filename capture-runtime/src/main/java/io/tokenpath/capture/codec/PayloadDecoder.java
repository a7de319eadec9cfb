package io.tokenpath.capture.codec;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.Transform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reader side of {@link PayloadEncoder}: decompress, unshuffle, check CRC32C, inverse transform. Every length that
 * sizes an allocation is checked first: against the frame (codec none), against the codec's maximum ratio (LZ4),
 * against the frame's own content size (Zstd), and against a caller-given ceiling.
 */
public final class PayloadDecoder {
    private PayloadDecoder() {}

    /** LZ4 cannot expand more than 255x (one literal run byte per 255 bytes); anything beyond is corrupt. */
    private static final long LZ4_MAX_RATIO = 255;

    /** Default ceiling on one decoded payload (raise it for very large tensors). */
    public static final long DEFAULT_MAX_RAW = 1L << 30;

    /** Returns the raw payload (after transform, before inverse transform), checked against its CRC32C. */
    public static byte[] decodeRaw(TensorHeader h, byte[] data, int payloadOff, int payloadLen, long maxRaw)
            throws StreamFormatException {
        long rawLen = h.rawLength();
        if (rawLen > maxRaw || rawLen > Integer.MAX_VALUE - 16) {
            throw new StreamFormatException("payload raw_len " + rawLen + " exceeds the decode limit " + maxRaw);
        }
        byte[] raw;
        if (h.codec() == Codec.NONE) {
            if (payloadLen != rawLen) {
                throw new StreamFormatException("uncompressed payload is " + payloadLen + " bytes, header says " + rawLen);
            }
            raw = new byte[(int) rawLen];
            System.arraycopy(data, payloadOff, raw, 0, payloadLen);
            if (h.shuffled()) raw = unshuffle(h, raw);
        } else {
            plausibleRawLength(h, data, payloadOff, payloadLen);
            raw = new byte[(int) rawLen];
            try (BlockCompressor c = BlockCompressor.create(h.codec(), Encoding.DEFAULT_ZSTD_LEVEL)) {
                c.decompress(data, payloadOff, payloadLen, raw, 0, (int) rawLen);
            }
            if (h.shuffled()) raw = unshuffle(h, raw);
        }
        CRC32C crc = new CRC32C();
        crc.update(raw, 0, raw.length);
        if ((int) crc.getValue() != h.crc32c()) {
            throw new StreamFormatException(String.format("CRC32C mismatch: stored %08x, computed %08x",
                    h.crc32c(), (int) crc.getValue()));
        }
        return raw;
    }

    private static void plausibleRawLength(TensorHeader h, byte[] data, int off, int len) throws StreamFormatException {
        if (h.codec() == Codec.LZ4 && h.rawLength() > LZ4_MAX_RATIO * len + 16) {
            throw new StreamFormatException("lz4 payload of " + len + " bytes cannot decode to raw_len " + h.rawLength());
        }
        if (h.codec() == Codec.ZSTD) {
            long size = com.github.luben.zstd.Zstd.getFrameContentSize(data, off, len);
            if (size != h.rawLength()) {
                throw new StreamFormatException("zstd frame content size " + size + " does not match raw_len "
                        + h.rawLength());
            }
        }
    }

    private static byte[] unshuffle(TensorHeader h, byte[] raw) {
        int elem = h.shuffleElementSize();
        if (elem <= 1) return raw;
        byte[] out = new byte[raw.length];
        ByteShuffle.unshuffle(raw, 0, raw.length, out, 0, elem);
        return out;
    }

    /** Decodes a raw payload into float32 values (ints and float64 are converted; bool as 0/1). */
    public static float[] toFloats(TensorHeader h, byte[] raw) throws StreamFormatException {
        long count = h.elementCount();
        if (count > Integer.MAX_VALUE - 16) throw new StreamFormatException("tensor of " + count + " elements is too large");
        int n = (int) count;
        if (h.transform() != Transform.NONE) return Transforms.inverse(h.transform(), raw, n, h.transformParam());
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        DType d = h.sourceDType();
        for (int i = 0; i < n; i++) {
            switch (d) {
                case FLOAT32: out[i] = in.getFloat(4 * i); break;
                case FLOAT64: out[i] = (float) in.getDouble(8 * i); break;
                case FLOAT16: out[i] = HalfFloat.toFloat(in.getShort(2 * i)); break;
                case BFLOAT16: out[i] = BFloat16.toFloat(in.getShort(2 * i)); break;
                case INT8: out[i] = raw[i]; break;
                case UINT8: case BOOLEAN: out[i] = raw[i] & 0xff; break;
                case INT32: out[i] = in.getInt(4 * i); break;
                case INT64: out[i] = in.getLong(8 * i); break;
                default: throw new StreamFormatException("cannot convert " + d + " to float");
            }
        }
        return out;
    }
}
