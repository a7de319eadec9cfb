package io.tokenpath.capture.config;

import java.util.Locale;

/** Which blocks, and how much of each tensor, a capture records. */
public enum Granularity {
    /** Every selected block's whole output. */
    FULL_TENSOR,
    /** Every selected block, but only evenly spaced indices along the last axis (recorded in each frame). */
    SAMPLED_SLICES,
    /** Only blocks whose name or class matches the attention patterns. */
    ATTENTION_ONLY,
    /** Only blocks whose name or class matches the MLP / feed-forward patterns. */
    MLP_ONLY;

    public static Granularity parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown granularity '" + s
                    + "' (valid: full_tensor, sampled_slices, attention_only, mlp_only)");
        }
    }
}
