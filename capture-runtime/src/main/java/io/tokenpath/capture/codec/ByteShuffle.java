package io.tokenpath.capture.codec;

import java.nio.ByteBuffer;

/**
 * Byte-shuffle filter (as in Blosc/HDF5): groups byte 0 of every element, then byte 1, and so on. Exponent and
 * sign bytes of neighbouring floats are similar, so after shuffling the general-purpose codecs find long matches
 * they cannot see in interleaved data. Trailing bytes that do not form a whole element are copied unchanged.
 */
public final class ByteShuffle {
    private ByteShuffle() {}

    /** Shuffles {@code len} bytes of {@code src} at {@code srcOff} into {@code dst} at {@code dstOff}. */
    public static void shuffle(ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff, int elemSize) {
        int n = len / elemSize;
        if (elemSize == 4) {
            // Plane b holds byte b of each element in memory order, so read big-endian whatever src's order is.
            ByteBuffer be = src.order() == java.nio.ByteOrder.BIG_ENDIAN ? src : src.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
            // The common case (float32) gets its own loop: one int read per element instead of four byte reads.
            for (int i = 0; i < n; i++) {
                int v = be.getInt(srcOff + 4 * i);
                dst.put(dstOff + i, (byte) (v >>> 24));
                dst.put(dstOff + n + i, (byte) (v >>> 16));
                dst.put(dstOff + 2 * n + i, (byte) (v >>> 8));
                dst.put(dstOff + 3 * n + i, (byte) v);
            }
        } else {
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < elemSize; b++) {
                    dst.put(dstOff + b * n + i, src.get(srcOff + i * elemSize + b));
                }
            }
        }
        copyTail(src, srcOff, dst, dstOff, n * elemSize, len);
    }

    /** Inverse of {@link #shuffle} on heap arrays (the reader's side). */
    public static void unshuffle(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int elemSize) {
        int n = len / elemSize;
        for (int b = 0; b < elemSize; b++) {
            int base = srcOff + b * n;
            for (int i = 0; i < n; i++) {
                dst[dstOff + i * elemSize + b] = src[base + i];
            }
        }
        System.arraycopy(src, srcOff + n * elemSize, dst, dstOff + n * elemSize, len - n * elemSize);
    }

    private static void copyTail(ByteBuffer src, int srcOff, ByteBuffer dst, int dstOff, int from, int len) {
        for (int i = from; i < len; i++) dst.put(dstOff + i, src.get(srcOff + i));
    }
}
