package io.tokenpath.capture.config;

import java.util.Locale;

/** What a producer does when the ring has no room for its tensor. */
public enum OverflowPolicy {
    /** Wait for room (backpressure): the application slows down, nothing is lost. */
    BLOCK,
    /** Drop the tensor and count it under reason {@code ring_full}: the application never waits. */
    DROP;

    public static OverflowPolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown overflow policy '" + s + "' (valid: block, drop)");
        }
    }
}
