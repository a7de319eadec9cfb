package io.tokenpath.capture.codec;

import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.Transform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The lossy transforms of float32 tensors: forward on the capture side (direct buffers, measuring the error it
 * makes), inverse on the reader side (heap arrays). Element data is little-endian throughout.
 */
public final class Transforms {
    private Transforms() {}

    /** Smallest int8 block: below 2 the scales would make the payload larger than the float32 source. */
    public static final int MIN_BLOCK = 2;

    /** Bytes the transformed payload of {@code n} float32 elements takes. */
    public static long transformedLength(Transform t, long n, int block) {
        switch (t) {
            case FP16: case BF16: return 2 * n;
            case INT8_BLOCK: return 4 * ((n + block - 1) / block) + n;
            default: return 4 * n;
        }
    }

    /**
     * Transforms {@code n} little-endian float32 values at {@code src[srcOff]} into {@code dst[dstOff]}.
     *
     * @return the largest absolute error over all finite inputs; {@code +Infinity} if a finite input could not be
     *     represented within a finite bound (int8 blocks holding inf or NaN)
     */
    public static double forward(Transform t, ByteBuffer src, int srcOff, int n, ByteBuffer dst, int dstOff, int block) {
        ByteBuffer s = le(src);
        ByteBuffer d = le(dst);
        switch (t) {
            case FP16: return toHalf(s, srcOff, n, d, dstOff);
            case BF16: return toBf16(s, srcOff, n, d, dstOff);
            case INT8_BLOCK: return toInt8Blocks(s, srcOff, n, d, dstOff, block);
            default: throw new IllegalArgumentException("not a lossy transform: " + t);
        }
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static double toHalf(ByteBuffer s, int srcOff, int n, ByteBuffer d, int dstOff) {
        double maxErr = 0;
        for (int i = 0; i < n; i++) {
            float x = s.getFloat(srcOff + 4 * i);
            short h = HalfFloat.fromFloat(x);
            d.putShort(dstOff + 2 * i, h);
            float err = Math.abs(HalfFloat.toFloat(h) - x);
            if (err > maxErr) maxErr = err; // NaN/inf inputs give NaN here and never win the comparison
        }
        return maxErr;
    }

    private static double toBf16(ByteBuffer s, int srcOff, int n, ByteBuffer d, int dstOff) {
        double maxErr = 0;
        for (int i = 0; i < n; i++) {
            float x = s.getFloat(srcOff + 4 * i);
            short b = BFloat16.fromFloat(x);
            d.putShort(dstOff + 2 * i, b);
            float err = Math.abs(BFloat16.toFloat(b) - x);
            if (err > maxErr) maxErr = err;
        }
        return maxErr;
    }

    /** Layout: ceil(n/block) float32 scales, then n int8 values; x ~= q * scale, scale = max|x| / 127 per block. */
    private static double toInt8Blocks(ByteBuffer s, int srcOff, int n, ByteBuffer d, int dstOff, int block) {
        int blocks = (n + block - 1) / block;
        int valuesOff = dstOff + 4 * blocks;
        double maxErr = 0;
        for (int b = 0; b < blocks; b++) {
            int from = b * block;
            int to = Math.min(n, from + block);
            float amax = 0;
            boolean nonFinite = false;
            for (int i = from; i < to; i++) {
                float a = Math.abs(s.getFloat(srcOff + 4 * i));
                if (Float.isFinite(a)) {
                    if (a > amax) amax = a;
                } else {
                    nonFinite = true;
                }
            }
            float scale = amax / 127f;
            float inv = scale == 0 ? 0 : 1f / scale;
            d.putFloat(dstOff + 4 * b, scale);
            for (int i = from; i < to; i++) {
                float x = s.getFloat(srcOff + 4 * i);
                int q;
                if (Float.isNaN(x)) q = 0;
                else if (Float.isInfinite(x)) q = x > 0 ? 127 : -127;
                else q = Math.max(-127, Math.min(127, Math.round(x * inv)));
                d.put(valuesOff + i, (byte) q);
                if (Float.isFinite(x)) {
                    float err = Math.abs(q * scale - x);
                    if (err > maxErr) maxErr = err;
                }
            }
            if (nonFinite) maxErr = Double.POSITIVE_INFINITY;
        }
        return maxErr;
    }

    /** Inverse transform of a raw payload into float32 values. */
    public static float[] inverse(Transform t, byte[] raw, int n, int block) throws StreamFormatException {
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        switch (t) {
            case FP16:
                for (int i = 0; i < n; i++) out[i] = HalfFloat.toFloat(in.getShort(2 * i));
                return out;
            case BF16:
                for (int i = 0; i < n; i++) out[i] = BFloat16.toFloat(in.getShort(2 * i));
                return out;
            case INT8_BLOCK: {
                int blocks = (n + block - 1) / block;
                int valuesOff = 4 * blocks;
                for (int b = 0; b < blocks; b++) {
                    float scale = in.getFloat(4 * b);
                    int to = Math.min(n, (b + 1) * block);
                    for (int i = b * block; i < to; i++) out[i] = raw[valuesOff + i] * scale;
                }
                return out;
            }
            default:
                throw new StreamFormatException("not a lossy transform: " + t);
        }
    }
}
