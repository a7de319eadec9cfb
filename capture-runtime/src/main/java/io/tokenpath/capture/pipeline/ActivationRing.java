package io.tokenpath.capture.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded off-heap ring of variable-size frames. Its one direct buffer is allocated once and is the capture's
 * memory: nothing else holds tensor bytes except the encoders' budgeted scratch. Frames are reserved in order,
 * filled and encoded in any order, and written and freed in reservation order, so the file keeps the order in which
 * producers offered frames.
 *
 * <p>Space is contiguous per frame: when the end of the buffer is too short, the frame goes to offset 0 and the
 * short end is skipped until the ring wraps past it. One lock guards the bookkeeping; no lock is held while bytes
 * are copied, encoded or written.
 */
final class ActivationRing {
    private final ByteBuffer buffer;
    private final int capacity;
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomFreed = lock.newCondition();
    private final Condition workQueued = lock.newCondition();
    private final Condition frontReady = lock.newCondition();

    ActivationRing(int capacity, int maxFrames) {
        this.capacity = capacity;
        this.buffer = ByteBuffer.allocateDirect(capacity);
        this.slots = new RingSlot[maxFrames];
        for (int i = 0; i < maxFrames; i++) slots[i] = new RingSlot();
    }

    ByteBuffer buffer() { return buffer; }

    int capacity() { return capacity; }

    /**
     * Reserves {@code len} contiguous bytes. Waits up to {@code waitNanos} for room (0: do not wait).
     *
     * @return the slot, or null when there was no room in time or the ring is closed
     */
    RingSlot reserve(int len, long waitNanos) throws InterruptedException {
        if (len <= 0 || len > capacity) return null;
        lock.lock();
        try {
            long remaining = waitNanos;
            while (true) {
                if (closed) return null;
                int off = place(len);
                if (off >= 0) return take(off, len);
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
            return 0;
        }
        int tail = slots[front].offset;
        if (tail < head) { // live bytes are [tail, head): room at the end, else at the start
            if (capacity - head >= len) return head;
            return tail >= len ? 0 : -1;
        }
        // wrapped: live bytes are [tail, capacity) and [0, head); room is [head, tail)
        return tail - head >= len ? head : -1;
    }

    private RingSlot take(int off, int len) {
        RingSlot s = slots[(front + count) % slots.length];
        long skipped = off == 0 && count > 0 && head != 0 ? capacity - head : 0;
        s.state = RingSlot.RESERVED;
        s.offset = off;
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
        lock.lock();
        try {
            s.state = RingSlot.FILLED;
            pendingFills--;
            toEncode.addLast(s);
            workQueued.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A slot's frame is complete (encoded, or written whole by its producer). */
    void ready(RingSlot s, boolean fromProducer) {
        lock.lock();
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

    /** Next tensor to encode; null once the ring is closed and no producer can add more. */
    RingSlot takeForEncoding() throws InterruptedException {
        lock.lock();
        try {
            while (toEncode.isEmpty()) {
                if (closed && pendingFills == 0) return null;
                workQueued.await();
            }
            RingSlot s = toEncode.pollFirst();
            s.state = RingSlot.ENCODING;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Copies into {@code out} the consecutive READY slots at the front, up to {@code maxBytes} (at least one).
     * Waits up to {@code timeoutNanos} for the front to be ready.
     *
     * @return the number of slots, 0 on timeout, -1 when the ring is closed and empty
     */
    int collectReady(RingSlot[] out, long maxBytes, long timeoutNanos) throws InterruptedException {
        lock.lock();
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
        lock.lock();
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
                    // The front has wrapped to offset 0: the skipped end of the buffer is free space again.
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
        lock.lock();
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
        lock.lock();
        try {
            frontReady.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long usedBytes() {
        lock.lock();
        try {
            return usedBytes;
        } finally {
            lock.unlock();
        }
    }

    long highWaterBytes() {
        lock.lock();
        try {
            return highWater;
        } finally {
            lock.unlock();
        }
    }

    long reservedTotal() {
        lock.lock();
        try {
            return reservedTotal;
        } finally {
            lock.unlock();
        }
    }

    long releasedTotal() {
        lock.lock();
        try {
            return releasedTotal;
        } finally {
            lock.unlock();
        }
    }

    int frames() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
