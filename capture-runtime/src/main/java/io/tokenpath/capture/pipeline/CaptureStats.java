package io.tokenpath.capture.pipeline;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one capture, cheap to update from any thread, read as a {@link Snapshot} by the agent's metric
 * export and by the {@code __end} frame. Invariant checked by the tests: tensors + tokens + events offered =
 * tensors + tokens + events written + dropped + in flight (0 after close).
 */
public final class CaptureStats {
    final LongAdder tensorsOffered = new LongAdder();
    final LongAdder tensorsWritten = new LongAdder();
    final LongAdder tokensOffered = new LongAdder();
    final LongAdder tokensWritten = new LongAdder();
    final LongAdder eventsOffered = new LongAdder();
    final LongAdder eventsWritten = new LongAdder();
    final LongAdder bytesSource = new LongAdder();
    final LongAdder bytesRaw = new LongAdder();
    final LongAdder bytesEncoded = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder producerWaitNanos = new LongAdder();
    final LongAdder producerWaits = new LongAdder();
    final LongAdder checkpoints = new LongAdder();
    final LongAdder writeCalls = new LongAdder();
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    volatile long durableOffset;

    void drop(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    long totalDrops() {
        long t = 0;
        for (int i = 0; i < drops.length(); i++) t += drops.get(i);
        return t;
    }

    /** A consistent-enough view: each counter is read once; counters are monotonic. */
    public record Snapshot(
            long tensorsOffered,
            long tensorsWritten,
            long tokensOffered,
            long tokensWritten,
            long eventsOffered,
            long eventsWritten,
            long bytesSource,
            long bytesRaw,
            long bytesEncoded,
            long bytesWritten,
            Map<DropReason, Long> drops,
            long producerWaitNanos,
            long producerWaits,
            long ringCapacity,
            long ringUsedBytes,
            long ringHighWaterBytes,
            long ringAllocatedBytes,
            long checkpoints,
            long durableOffset,
            long writeCalls) {

        public long offeredTotal() {
            return tensorsOffered + tokensOffered + eventsOffered;
        }

        public long writtenTotal() {
            return tensorsWritten + tokensWritten + eventsWritten;
        }

        public long droppedTotal() {
            long t = 0;
            for (long v : drops.values()) t += v;
            return t;
        }

        public double compressionRatio() {
            return bytesEncoded == 0 ? 0 : (double) bytesSource / bytesEncoded;
        }
    }

    Snapshot snapshot(ActivationRing ring) {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) d.put(r, drops.get(r.ordinal()));
        return new Snapshot(tensorsOffered.sum(), tensorsWritten.sum(), tokensOffered.sum(), tokensWritten.sum(),
                eventsOffered.sum(), eventsWritten.sum(),
                bytesSource.sum(), bytesRaw.sum(), bytesEncoded.sum(), bytesWritten.sum(), d,
                producerWaitNanos.sum(), producerWaits.sum(), ring == null ? 0 : ring.capacity(),
                ring == null ? 0 : ring.usedBytes(), ring == null ? 0 : ring.highWaterBytes(),
                ring == null ? 0 : ring.allocatedBytes(), checkpoints.sum(),
                durableOffset, writeCalls.sum());
    }
}
