package io.tokenpath.capture.analysis;

/**
 * Builds {@link ActivationStats} over any number of tensors without keeping their values.
 *
 * <p>Numerics: everything accumulates in double. Within one tensor the variance is computed in two passes (mean
 * first, then the sum of squared deviations), which avoids the cancellation of the naive sum-of-squares formula
 * when the mean is large against the spread. Tensors are combined with Chan et al.'s pairwise update of mean and
 * squared deviations, which keeps that accuracy across merges.
 */
public final class StatsAccumulator {
    private long count;
    private double mean;
    /** Sum of squared deviations from the mean. */
    private double m2;
    private double sumSquares;
    private double min = Double.NaN;
    private double max = Double.NaN;
    private long zeros;
    private long nonFinite;

    /** The statistics of one tensor. */
    public static StatsAccumulator of(float[] values) {
        StatsAccumulator a = new StatsAccumulator();
        int n = values.length;
        if (n == 0) return a;
        double sum = 0;
        double sq = 0;
        double lo = values[0];
        double hi = values[0];
        long z = 0;
        long bad = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
            // Math.min/max propagate NaN, as numpy's min and max do.
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            if (v == 0f) z++;
            if (!Float.isFinite(v)) bad++;
        }
        double mean = sum / n;
        double dev = 0;
        for (float v : values) {
            double d = v - mean;
            dev += d * d;
        }
        a.count = n;
        a.mean = mean;
        a.m2 = dev;
        a.sumSquares = sq;
        a.min = lo;
        a.max = hi;
        a.zeros = z;
        a.nonFinite = bad;
        return a;
    }

    /** Adds {@code other}'s values to this accumulator (Chan's combination of two partial results). */
    public StatsAccumulator merge(StatsAccumulator other) {
        if (other.count == 0) return this;
        if (count == 0) {
            count = other.count;
            mean = other.mean;
            m2 = other.m2;
            sumSquares = other.sumSquares;
            min = other.min;
            max = other.max;
            zeros = other.zeros;
            nonFinite = other.nonFinite;
            return this;
        }
        long n = count + other.count;
        double delta = other.mean - mean;
        mean += delta * ((double) other.count / n);
        m2 += other.m2 + delta * delta * ((double) count * other.count / n);
        count = n;
        sumSquares += other.sumSquares;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        zeros += other.zeros;
        nonFinite += other.nonFinite;
        return this;
    }

    public long count() { return count; }

    public ActivationStats snapshot() {
        if (count == 0) return new ActivationStats(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        return new ActivationStats(count, Math.sqrt(sumSquares), mean, Math.sqrt(m2 / count), min, max,
                (double) zeros / count, zeros, nonFinite);
    }
}
