package io.tokenpath.capture.analysis;

/**
 * Summary statistics of a set of activation values (one tensor, or all tensors of one layer at one token):
 * element count, L2 norm (over all elements, as if concatenated), mean, population standard deviation (numpy's
 * default, ddof=0), min, max, and sparsity, the fraction of elements exactly equal to zero (-0.0 included).
 *
 * <p>NaN and infinities are not filtered out: they propagate into mean, std and L2 as they would in numpy, and
 * {@code nonFinite} counts them so the reason is visible. With {@code count == 0} every value but the counts and
 * the L2 norm is NaN.
 */
public record ActivationStats(long count, double l2, double mean, double std, double min, double max,
        double sparsity, long zeros, long nonFinite) {

    /** Statistics of one tensor's values. */
    public static ActivationStats of(float[] values) {
        return StatsAccumulator.of(values).snapshot();
    }
}
