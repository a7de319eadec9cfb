package io.tokenpath.capture.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

/**
 * Byte-shuffle filter (as in Blosc/HDF5): groups byte 0 of every element, then byte 1, and so on. Exponent and
 * sign bytes of neighbouring floats are similar, so after shuffling the general-purpose codecs find long matches
 * they cannot see in interleaved data. Trailing bytes that do not form a whole element are copied unchanged.
 *
 * <p>An instance holds chunk scratch for the 4-byte (float32) path, which transposes 4x4 byte blocks held in ints
 * on heap arrays: about twice as fast as byte-wise access to direct buffers (bench/encoder-stages). One instance per
 * thread.
 */
public final class ByteShuffle {
    private static final int CHUNK = 16384; // elements per pass, a multiple of 4
    private final int[] elements = new int[CHUNK];
    private final int[][] planes = new int[4][CHUNK / 4];

    /** Shuffles {@code len} bytes of {@code src} at {@code srcOff} into {@code dst} at {@code dstOff}. */
    public void shuffle(ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff, int elemSize) {
        if (elemSize == 4) {
            shuffle4(src, srcOff, len, dst, dstOff);
        } else {
            shuffleBytewise(src, srcOff, len, dst, dstOff, elemSize);
        }
    }

    /** The reference definition, for any element size. */
    public static void shuffleBytewise(ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff, int elemSize) {
        int n = len / elemSize;
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < elemSize; b++) {
                dst.put(dstOff + b * n + i, src.get(srcOff + i * elemSize + b));
            }
        }
        for (int i = n * elemSize; i < len; i++) dst.put(dstOff + i, src.get(srcOff + i));
    }

    /**
     * Four elements a, b, c, d (little-endian ints) become one int per plane: plane p holds byte p of a, b, c, d in
     * that order, which is exactly the bytes the planes need, written back as little-endian ints.
     */
    private void shuffle4(ByteBuffer src, int srcOff, int len, ByteBuffer dst, int dstOff) {
        int n = len / 4;
        int n4 = n & ~3;
        IntBuffer in = src.duplicate().position(srcOff).slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        IntBuffer[] out = new IntBuffer[4];
        for (int p = 0; p < 4; p++) {
            out[p] = dst.duplicate().position(dstOff + p * n).slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        }
        int[] e = elements;
        int[] q0 = planes[0];
        int[] q1 = planes[1];
        int[] q2 = planes[2];
        int[] q3 = planes[3];
        for (int start = 0; start < n4; start += CHUNK) {
            int m = Math.min(CHUNK, n4 - start);
            in.get(start, e, 0, m);
            for (int j = 0, k = 0; j < m; j += 4, k++) {
                int a = e[j];
                int b = e[j + 1];
                int c = e[j + 2];
                int d = e[j + 3];
                q0[k] = (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | d << 24;
                q1[k] = (a >>> 8 & 0xff) | (b & 0xff00) | (c & 0xff00) << 8 | (d >>> 8) << 24;
                q2[k] = (a >>> 16 & 0xff) | (b >>> 8 & 0xff00) | (c & 0xff0000) | (d >>> 16) << 24;
                q3[k] = (a >>> 24) | (b >>> 16 & 0xff00) | (c >>> 8 & 0xff0000) | (d & 0xff000000);
            }
            for (int p = 0; p < 4; p++) out[p].put(start / 4, planes[p], 0, m / 4);
        }
        for (int i = n4; i < n; i++) {
            for (int p = 0; p < 4; p++) dst.put(dstOff + p * n + i, src.get(srcOff + 4 * i + p));
        }
        for (int i = 4 * n; i < len; i++) dst.put(dstOff + i, src.get(srcOff + i));
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
}
