package io.tokenpath.capture.pipeline;

import java.util.Locale;

/** Why a tensor or token did not reach the file. Every drop is counted under exactly one reason. */
public enum DropReason {
    /** Policy {@code drop} and the ring had no room. */
    RING_FULL,
    /** Larger than {@code max_tensor}: it could never fit. */
    TOO_LARGE,
    /** Offered after close, or while the capture was stopped. */
    CLOSED,
    /** The writer failed (disk full, I/O error); everything after the failure is counted here. */
    WRITE_ERROR,
    /** A producer waiting for room (policy {@code block}) was interrupted. */
    INTERRUPTED,
    /** Shape, dtype or byte count did not describe the given data. */
    INVALID,
    /** A codec failed on this tensor (reported once in the log as well). */
    ENCODE_ERROR,
    /** The producer had a tensor of a type the stream cannot describe (int16, unsigned > 8 bit, strings). */
    UNSUPPORTED;

    public String label() { return name().toLowerCase(Locale.ROOT); }
}
