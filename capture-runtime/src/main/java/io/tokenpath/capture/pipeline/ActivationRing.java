package io.tokenpath.capture.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded off-heap ring of variable-size frames: the capture's memory, where nothing else holds tensor bytes except
 * the encoders' budgeted scratch. Frames are reserved in order, filled and encoded in any order, and written and
 * freed in reservation order, so the file keeps the order in which producers offered frames.
 *
 * <p>The ring's space is one range of offsets cut into segments, each its own direct buffer, allocated the first
 * time a frame is placed in it: a capture costs nothing at start-up (a 256 MiB buffer takes most of a second to
 * zero) and its resident memory is the ring's high-water mark, not its capacity: an empty ring starts again at
 * offset 0, and a ring that never quite empties goes back to 0 past its first MiB when there is room there, else
 * wraps at the end of the segments it has rather than walking into new ones (it grows only when those are full).
 * A frame is contiguous inside one segment: when the rest of a segment (or of the ring) is too short, the frame
 * goes to the next segment's start (or to offset 0) and the short end is skipped, freed with the frame. One lock
 * guards the bookkeeping; no lock is held while bytes are copied, encoded or written.
 *
 * <p>Producers wake an encoder only when none is awake (encoders linger a moment after their queue empties) or
 * when work piles up: a wake-up is a system call and a context switch on the producer's thread, which is the
 * application's, and with one per frame it cost more than the copy (tiny sample model, 32 frames per token).
 */
final class ActivationRing {
    private final ByteBuffer[] segments;
    private final int segmentBytes;
    /** Bytes usable: the whole ring, unless a segment could not be allocated (then the ring ends before it). */
    private int capacity;
    private long allocatedBytes;
    /** A segment could not be allocated (direct memory limit): reported by the capture once. */
    volatile boolean allocationFailed;
    private final RingSlot[] slots;
    private int front;
    private int count;
    private int head;
    private int pendingFills;
    private long usedBytes;
    private long highWater;
    private boolean closed;
    private long reservedTotal;
    private long releasedTotal;

    private final ArrayDeque<RingSlot> toEncode = new ArrayDeque<>();
    private long toEncodeBytes;
    /** Encoder threads not waiting on {@link #workQueued} (encoding, or lingering before they wait). */
    private int encodersAwake;
    /** Bytes queued for encoding above which a producer wakes one more encoder although one is awake. */
    static final long WAKE_ANOTHER_ENCODER_BYTES = 256 * 1024;
    /** Offset past which the ring goes back to 0 whenever the frames in it leave room there. */
    static final int EARLY_WRAP_BYTES = 1 << 20;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomFreed = lock.newCondition();
    private final Condition workQueued = lock.newCondition();
    private final Condition frontReady = lock.newCondition();

    /**
     * Tries to take the lock spinning a moment before parking. Every critical section here is a few hundred
     * nanoseconds of bookkeeping, so a thread that finds the lock held almost always gets it within a few spins;
     * one that parks instead makes the holder pay a wake-up (a futex system call) when it unlocks. Measured on the
     * tiny sample model: with a plain {@code lock()}, the application thread spent about a tenth of its capture
     * time in {@code unlock} waking an encoder or the writer that had queued for the lock.
     */
    private void acquire() {
        if (lock.tryLock()) return;
        for (int i = 0; i < ACQUIRE_SPINS; i++) {
            Thread.onSpinWait();
            if (lock.tryLock()) return;
        }
        lock.lock();
    }

    /** Spins before parking in {@link #acquire}: a few microseconds at most. */
    static final int ACQUIRE_SPINS = 100;

    /** A ring of one segment, allocated with the first frame (tests). */
    ActivationRing(int capacity, int maxFrames) {
        this(capacity, maxFrames, capacity);
    }

    /**
     * @param capacity     bytes of the whole ring
     * @param maxFrames    frames the ring can hold at once
     * @param segmentBytes bytes of each segment (the last may be shorter): also the largest frame the ring takes
     */
    ActivationRing(int capacity, int maxFrames, int segmentBytes) {
        if (capacity <= 0 || segmentBytes <= 0) throw new IllegalArgumentException("ring of " + capacity + " bytes");
        this.capacity = capacity;
        this.segmentBytes = Math.min(segmentBytes, capacity);
        this.segments = new ByteBuffer[(int) ((capacity + (long) this.segmentBytes - 1) / this.segmentBytes)];
        this.slots = new RingSlot[maxFrames];
        for (int i = 0; i < maxFrames; i++) slots[i] = new RingSlot();
    }

    /** Bytes the ring can hold: its size, or less once a segment could not be allocated. */
    int capacity() {
        acquire();
        try {
            return capacity;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Allocates the first segment now (the writer thread does, as the capture opens) so that the application's first
     * captured frame does not pay for it: page faults over a 33 MiB segment took about 0.17 s on the 2-core VM.
     */
    void allocateFirstSegment() {
        acquire();
        try {
            if (!closed && capacity > 0) segmentAt(0);
        } finally {
            lock.unlock();
        }
    }

    /** The largest frame that can ever be placed: one segment. */
    int maxFrameBytes() { return segmentBytes; }

    /** Direct memory the ring has allocated so far (segments it has used). */
    long allocatedBytes() {
        acquire();
        try {
            return allocatedBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves {@code len} contiguous bytes. Waits up to {@code waitNanos} for room (0: do not wait).
     *
     * @return the slot, or null when there was no room in time or the ring is closed
     */
    RingSlot reserve(int len, long waitNanos) throws InterruptedException {
        if (len <= 0 || len > segmentBytes) return null;
        acquire();
        try {
            long remaining = waitNanos;
            while (true) {
                if (closed) return null;
                int off = capacity >= len ? place(len) : -1;
                if (off >= 0) {
                    RingSlot s = take(off, len);
                    if (s != null) return s;
                    continue; // the ring just got shorter: place again within what it has
                }
                if (len > capacity) return null; // cannot fit even in an empty ring any more
                if (remaining <= 0) return null;
                remaining = roomFreed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Where a frame of {@code len} bytes fits now, or -1. Caller holds the lock. */
    private int place(int len) {
        if (count == slots.length) return -1;
        if (count == 0) {
            head = 0;
            return fit(0, len, capacity);
        }
        int tail = slots[front].offset;
        if (tail < head) {
            // Live bytes are [tail, head). Past the first MiB, back to offset 0 as soon as there is room before
            // them, so a ring that keeps up reuses the same cache-warm MiB instead of streaming through its whole
            // segment (the copy on the application's thread, the encoders and the writer all touch these bytes);
            // else room after them inside the segments allocated so far, else before them, and only then in a new
            // segment.
            int before = fit(0, len, tail);
            if (before >= 0 && head >= EARLY_WRAP_BYTES) return before;
            int after = fit(head, len, allocatedEnd());
            if (after >= 0) return after;
            return before >= 0 ? before : fit(head, len, capacity);
        }
        // wrapped: live bytes are [tail, end of the last frame before the wrap) and [0, head); room is [head, tail)
        return fit(head, len, tail);
    }

    /** The first offset from {@code from} where {@code len} bytes fit inside one segment and end by {@code limit}. */
    private int fit(int from, int len, int limit) {
        int off = from;
        if (off + (long) len > segmentEnd(off)) off = segmentEnd(off); // the rest of this segment is too short
        if (off >= capacity || off + (long) len > segmentEnd(off) || off + (long) len > limit) return -1;
        return off;
    }

    /** The end of the allocated segments: they are always a prefix of the ring (allocated in offset order). */
    private int allocatedEnd() {
        return (int) allocatedBytes;
    }

    private int segmentEnd(int off) {
        return (int) Math.min(capacity, ((long) off / segmentBytes + 1) * segmentBytes);
    }

    /** The segment holding {@code off}, allocated now if no frame has been there yet; null if that fails. */
    private ByteBuffer segmentAt(int off) {
        int i = off / segmentBytes;
        ByteBuffer b = segments[i];
        if (b == null) {
            int size = segmentEnd(off) - i * segmentBytes;
            try {
                b = ByteBuffer.allocateDirect(size);
            } catch (OutOfMemoryError e) {
                // The JVM's direct memory limit: the ring ends before this segment from now on (no retry: each
                // failing allocation makes the JDK run a GC and wait), and the capture reports it once.
                capacity = i * segmentBytes;
                allocationFailed = true;
                return null;
            }
            segments[i] = b;
            allocatedBytes += size;
        }
        return b;
    }

    private RingSlot take(int off, int len) {
        ByteBuffer segment = segmentAt(off);
        if (segment == null) return null;
        RingSlot s = slots[(front + count) % slots.length];
        // Bytes skipped before this frame: a segment's short end (when it wraps to 0, the bytes after the last frame
        // are not counted: they are free, just not usable until the frames before them are written).
        long skipped = count == 0 ? 0 : off >= head ? off - head : off;
        s.state = RingSlot.RESERVED;
        s.offset = off;
        s.buffer = segment;
        s.at = off - (off / segmentBytes) * segmentBytes;
        s.reserved = len;
        s.skipped = (int) skipped;
        head = off + len;
        count++;
        reservedTotal++;
        pendingFills++;
        usedBytes += len + skipped;
        if (usedBytes > highWater) highWater = usedBytes;
        return s;
    }

    /** A tensor slot's bytes are in place: queue it for an encoder. */
    void filled(RingSlot s) {
        acquire();
        try {
            s.state = RingSlot.FILLED;
            pendingFills--;
            toEncode.addLast(s);
            toEncodeBytes += s.reserved;
            if (encodersAwake == 0 || toEncodeBytes > WAKE_ANOTHER_ENCODER_BYTES) workQueued.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A slot's frame is complete (encoded, or written whole by its producer). */
    void ready(RingSlot s, boolean fromProducer) {
        acquire();
        try {
            s.state = RingSlot.READY;
            if (fromProducer) pendingFills--;
            if (s == slots[front]) frontReady.signal();
            if (closed && pendingFills == 0) workQueued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A producer gave up on a reserved slot (bad input): it is written as nothing and freed in order. */
    void abandon(RingSlot s) {
        s.frameLength = 0;
        ready(s, true);
    }

    /** The next tensor to encode if one is queued now, else null (does not wait). */
    RingSlot pollForEncoding() {
        acquire();
        try {
            return nextToEncode();
        } finally {
            lock.unlock();
        }
    }

    /** Next tensor to encode; null once the ring is closed and no producer can add more. */
    RingSlot takeForEncoding() throws InterruptedException {
        acquire();
        try {
            while (toEncode.isEmpty()) {
                if (closed && pendingFills == 0) return null;
                encodersAwake--;
                try {
                    workQueued.await();
                } finally {
                    encodersAwake++;
                }
            }
            return nextToEncode();
        } finally {
            lock.unlock();
        }
    }

    /** An encoder thread starts: it counts as awake until it waits for work. */
    void encoderStarted() {
        acquire();
        try {
            encodersAwake++;
        } finally {
            lock.unlock();
        }
    }

    /** An encoder thread ends: producers no longer count on it. */
    void encoderStopped() {
        acquire();
        try {
            encodersAwake--;
        } finally {
            lock.unlock();
        }
    }

    private RingSlot nextToEncode() {
        RingSlot s = toEncode.pollFirst();
        if (s == null) return null;
        toEncodeBytes -= s.reserved;
        s.state = RingSlot.ENCODING;
        return s;
    }

    /**
     * Copies into {@code out} the consecutive READY slots at the front, up to {@code maxBytes} (at least one).
     * Waits up to {@code timeoutNanos} for the front to be ready.
     *
     * @return the number of slots, 0 on timeout, -1 when the ring is closed and empty
     */
    int collectReady(RingSlot[] out, long maxBytes, long timeoutNanos) throws InterruptedException {
        acquire();
        try {
            long remaining = timeoutNanos;
            while (count == 0 || slots[front].state != RingSlot.READY) {
                if (count == 0 && closed) return -1;
                if (remaining <= 0) return 0;
                remaining = frontReady.awaitNanos(remaining);
            }
            int n = 0;
            long bytes = 0;
            while (n < count && n < out.length) {
                RingSlot s = slots[(front + n) % slots.length];
                if (s.state != RingSlot.READY || (n > 0 && bytes + s.frameLength > maxBytes)) break;
                out[n++] = s;
                bytes += s.frameLength;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Frees the {@code n} front slots (written or discarded by the writer). */
    void release(int n) {
        acquire();
        try {
            for (int i = 0; i < n; i++) {
                RingSlot s = slots[front];
                usedBytes -= s.reserved + s.skipped;
                s.clear();
                front = (front + 1) % slots.length;
                count--;
                releasedTotal++;
                RingSlot next = slots[front];
                if (count > 0 && next.skipped > 0) {
                    // The front has moved past the bytes skipped before it: they are free space again.
                    usedBytes -= next.skipped;
                    next.skipped = 0;
                }
            }
            if (count > 0 && slots[front].state == RingSlot.READY) frontReady.signal();
            roomFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more reservations; encoders and the writer drain what is there, then stop. */
    void close() {
        acquire();
        try {
            closed = true;
            roomFreed.signalAll();
            workQueued.signalAll();
            frontReady.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the writer now (a flush request). */
    void nudgeWriter() {
        acquire();
        try {
            frontReady.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True while less than half the ring is in use: a consumer may let work gather before it takes it. */
    boolean mostlyFree() {
        acquire();
        try {
            return usedBytes < capacity / 2;
        } finally {
            lock.unlock();
        }
    }

    long usedBytes() {
        acquire();
        try {
            return usedBytes;
        } finally {
            lock.unlock();
        }
    }

    long highWaterBytes() {
        acquire();
        try {
            return highWater;
        } finally {
            lock.unlock();
        }
    }

    long reservedTotal() {
        acquire();
        try {
            return reservedTotal;
        } finally {
            lock.unlock();
        }
    }

    long releasedTotal() {
        acquire();
        try {
            return releasedTotal;
        } finally {
            lock.unlock();
        }
    }

    int frames() {
        acquire();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
