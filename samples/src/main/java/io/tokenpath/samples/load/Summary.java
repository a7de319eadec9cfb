package io.tokenpath.samples.load;

import java.util.Arrays;

/**
 * Mean and percentiles of one latency series, in milliseconds. Percentiles interpolate linearly between order
 * statistics (numpy's default, which vLLM's benchmark uses), so p50 <= p90 <= p99 always holds.
 *
 * @param count number of values
 */
public record Summary(int count, double mean, double min, double p50, double p90, double p99, double max) {

    public static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN);

    /** @param nanos values in nanoseconds (NaN values are skipped) */
    public static Summary ofNanos(double[] nanos) {
        double[] ms = Arrays.stream(nanos).filter(v -> !Double.isNaN(v)).map(v -> v / 1e6).sorted().toArray();
        if (ms.length == 0) {
            return EMPTY;
        }
        double mean = Arrays.stream(ms).sum() / ms.length;
        return new Summary(ms.length, mean, ms[0], percentile(ms, 50), percentile(ms, 90), percentile(ms, 99),
                ms[ms.length - 1]);
    }

    /** @param sorted ascending values */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
