package io.tokenpath.capture.pipeline;

/**
 * Nanoseconds since the Unix epoch, monotonic within the process: one wall-clock reading at start, then
 * {@link System#nanoTime()} offsets. Cheap enough for every frame, and never goes backwards when NTP steps.
 */
public final class EpochClock {
    private static final long BASE_EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L;
    private static final long BASE_NANO = System.nanoTime();

    private EpochClock() {}

    public static long nowNanos() {
        return BASE_EPOCH_NANOS + (System.nanoTime() - BASE_NANO);
    }
}
