package io.tokenpath.capture;

import io.tokenpath.capture.analysis.ActivationStats;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The textbook definitions of the activation statistics, computed plainly in double: what results are held to. */
public final class ReferenceStats {
    private ReferenceStats() {}

    public static ActivationStats of(float[] v) {
        double sum = 0;
        double sq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long zeros = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
            min = Math.min(min, x);
            max = Math.max(max, x);
            if (x == 0) zeros++;
        }
        double mean = sum / v.length;
        double dev = 0;
        for (float x : v) dev += (x - mean) * (x - mean);
        return new ActivationStats(v.length, Math.sqrt(sq), mean, Math.sqrt(dev / v.length), min, max,
                (double) zeros / v.length, zeros, 0);
    }

    /** Counts, min, max and sparsity exactly; L2, mean and std to 1e-12 relative. */
    public static void assertClose(ActivationStats want, ActivationStats got) {
        assertEquals(want.count(), got.count());
        assertEquals(want.zeros(), got.zeros());
        assertEquals(want.min(), got.min());
        assertEquals(want.max(), got.max());
        assertEquals(want.sparsity(), got.sparsity());
        assertEquals(want.l2(), got.l2(), 1e-12 * Math.max(1, want.l2()));
        assertEquals(want.mean(), got.mean(), 1e-12 * Math.max(1, Math.abs(want.mean())));
        assertEquals(want.std(), got.std(), 1e-12 * Math.max(1, want.std()));
    }

    /** The values of several tensors, concatenated in order. */
    public static float[] concat(List<SampleStreams.Tensor> ts) {
        int n = ts.stream().mapToInt(t -> t.values().length).sum();
        float[] out = new float[n];
        int at = 0;
        for (SampleStreams.Tensor t : ts) {
            System.arraycopy(t.values(), 0, out, at, t.values().length);
            at += t.values().length;
        }
        return out;
    }
}
