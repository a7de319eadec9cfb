package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.format.SampleSpec;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SAMPLED_SLICES: keeps {@code count} evenly spaced indices along the last axis (the hidden dimension of an
 * activation), the same indices for every tensor with that axis length, so values stay comparable across layers
 * and tokens. The copy gathers only the kept elements, so sampling also cuts the work on the app thread.
 */
final class SliceSampler {
    private final int count;
    private final ConcurrentHashMap<Long, SampleSpec> specs = new ConcurrentHashMap<>();

    SliceSampler(int count) {
        this.count = count;
    }

    /** The spec for this shape, or null when the last axis is not longer than {@code count} (nothing to sample). */
    SampleSpec specFor(long[] shape) {
        if (shape.length == 0) return null;
        long d = shape[shape.length - 1];
        if (d <= count || d > Integer.MAX_VALUE) return null;
        return specs.computeIfAbsent(d, len -> {
            int[] idx = new int[count];
            for (int k = 0; k < count; k++) idx[k] = (int) ((k * len) / count);
            return new SampleSpec(shape.length - 1, len, idx);
        });
    }

    static long[] sampledShape(long[] shape, SampleSpec spec) {
        long[] s = shape.clone();
        s[spec.axis()] = spec.indices().length;
        return s;
    }

    /** Gathers the kept elements of {@code src} (whole tensor, row-major) into {@code dst} at {@code dstOff}. */
    static void gather(ByteBuffer src, int srcPos, long[] shape, int elemSize, SampleSpec spec, ByteBuffer dst, int dstOff) {
        int d = (int) shape[shape.length - 1];
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) rows *= shape[i];
        int[] idx = spec.indices();
        int out = dstOff;
        for (long r = 0; r < rows; r++) {
            long rowBase = srcPos + r * d * elemSize;
            for (int k : idx) {
                dst.put(out, src, (int) (rowBase + (long) k * elemSize), elemSize);
                out += elemSize;
            }
        }
    }
}
