package io.tokenpath.capture.pipeline;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The ring's space bookkeeping under random sizes and release timing: live frames never overlap or leave it. */
class ActivationRingTest {
    @Test
    void liveFramesNeverOverlap() throws Exception {
        ActivationRing ring = new ActivationRing(10_000, 64);
        ArrayDeque<RingSlot> live = new ArrayDeque<>();
        Random rnd = new Random(7);
        long placed = 0;
        for (int i = 0; i < 200_000; i++) {
            if (rnd.nextInt(3) > 0) {
                RingSlot s = ring.reserve(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 4_000), 0);
                if (s != null) {
                    placed++;
                    assertTrue(s.offset >= 0 && s.offset + s.reserved <= ring.capacity());
                    for (RingSlot o : live) {
                        boolean disjoint = s.offset + s.reserved <= o.offset || o.offset + o.reserved <= s.offset;
                        assertTrue(disjoint, "slot [" + s.offset + "+" + s.reserved + ") overlaps [" + o.offset + "+" + o.reserved + ")");
                    }
                    // Copy fields now: the pooled slot object is reused after release.
                    RingSlot copy = new RingSlot();
                    copy.offset = s.offset;
                    copy.reserved = s.reserved;
                    live.addLast(copy);
                    s.frameLength = s.reserved;
                    ring.ready(s, true);
                }
            } else if (!live.isEmpty()) {
                int n = 1 + rnd.nextInt(live.size());
                RingSlot[] out = new RingSlot[n];
                int got = ring.collectReady(out, Long.MAX_VALUE, 0);
                assertTrue(got >= 1);
                ring.release(got);
                for (int k = 0; k < got; k++) live.pollFirst();
            }
            assertEquals(live.size(), ring.frames());
            assertTrue(ring.usedBytes() <= ring.capacity(), "accounted use " + ring.usedBytes() + " > capacity");
        }
        assertTrue(placed > 50_000, "the ring must keep accepting work as space frees: " + placed);
    }

    @Test
    void framesStayInsideOneSegmentAndItsBuffer() throws Exception {
        ActivationRing ring = new ActivationRing(10_000, 64, 3_000); // segments of 3,000 bytes, the last of 1,000
        ArrayDeque<RingSlot> live = new ArrayDeque<>();
        Random rnd = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            if (rnd.nextInt(3) > 0) {
                RingSlot s = ring.reserve(1 + rnd.nextInt(rnd.nextBoolean() ? 200 : 3_000), 0);
                if (s == null) continue;
                int segment = s.offset / 3_000;
                assertEquals(segment, (s.offset + s.reserved - 1) / 3_000, "frame [" + s.offset + "+" + s.reserved
                        + ") crosses a segment boundary");
                assertEquals(s.offset - segment * 3_000, s.at);
                assertEquals(segment < 3 ? 3_000 : 1_000, s.buffer.capacity());
                assertTrue(s.at + s.reserved <= s.buffer.capacity());
                live.addLast(s);
                s.frameLength = s.reserved;
                ring.ready(s, true);
            } else if (!live.isEmpty()) {
                RingSlot[] out = new RingSlot[1 + rnd.nextInt(live.size())];
                int got = ring.collectReady(out, Long.MAX_VALUE, 0);
                ring.release(got);
                for (int k = 0; k < got; k++) live.pollFirst();
            }
        }
        assertNull(ring.reserve(3_001, 0), "a frame larger than a segment never fits");
    }

    @Test
    void segmentsAreAllocatedWhenFirstUsedAndAnEmptyRingStartsOver() throws Exception {
        int mib = 1 << 20;
        ActivationRing ring = new ActivationRing(64 * mib, 1024, 4 * mib);
        assertEquals(0, ring.allocatedBytes(), "nothing is allocated before the first frame");
        RingSlot[] out = new RingSlot[1];
        for (int i = 0; i < 1_000; i++) { // a writer that keeps up: the ring is empty before each frame
            RingSlot s = ring.reserve(64 * 1024, 0);
            s.frameLength = s.reserved;
            ring.ready(s, true);
            assertEquals(1, ring.collectReady(out, Long.MAX_VALUE, 0));
            ring.release(1);
        }
        assertEquals(4 * mib, ring.allocatedBytes(), "64 MB of frames through an empty ring use its first segment only");
        for (int i = 0; i < 100; i++) { // a writer that falls behind: 6.25 MiB live
            RingSlot s = ring.reserve(64 * 1024, 0);
            s.frameLength = s.reserved;
            ring.ready(s, true);
        }
        assertEquals(8 * mib, ring.allocatedBytes(), "the ring grows one segment at a time as it fills");
    }

    @Test
    void aRingThatNeverEmptiesWrapsInsideTheSegmentsItHas() throws Exception {
        int mib = 1 << 20;
        ActivationRing ring = new ActivationRing(64 * mib, 1024, 4 * mib);
        ArrayDeque<RingSlot> live = new ArrayDeque<>();
        RingSlot[] out = new RingSlot[1];
        int furthest = 0;
        for (int i = 0; i < 10_000; i++) { // 640 MB through the ring, never fewer than two frames in it
            RingSlot s = ring.reserve(64 * 1024, 0);
            assertNotNull(s);
            furthest = Math.max(furthest, s.offset + s.reserved);
            s.frameLength = s.reserved;
            ring.ready(s, true);
            live.addLast(s);
            if (live.size() > 2) {
                assertEquals(1, ring.collectReady(out, Long.MAX_VALUE, 0));
                assertSame(live.pollFirst(), out[0], "frames leave in the order they were reserved");
                ring.release(1);
            }
        }
        assertEquals(4 * mib, ring.allocatedBytes(), "a writer a few frames behind needs one segment, not the ring");
        assertTrue(furthest <= ActivationRing.EARLY_WRAP_BYTES + 64 * 1024, "frames reached offset " + furthest
                + ": a ring that keeps up goes back to 0 after its first MiB");
        assertTrue(ring.usedBytes() <= 3 * 64 * 1024 + 64 * 1024, "used " + ring.usedBytes());
        while (!live.isEmpty()) {
            assertEquals(1, ring.collectReady(out, Long.MAX_VALUE, 0));
            assertSame(live.pollFirst(), out[0]);
            ring.release(1);
        }
        assertEquals(0, ring.usedBytes(), "every skipped byte is freed with its frame");
    }

    @Test
    void fullRingWaitsThenTimesOut() throws Exception {
        ActivationRing ring = new ActivationRing(1_000, 8);
        assertNotNull(ring.reserve(600, 0));
        long t0 = System.nanoTime();
        assertNull(ring.reserve(600, 20_000_000L));
        assertTrue(System.nanoTime() - t0 >= 15_000_000L, "a blocked reservation waits for room");
        assertNull(ring.reserve(1_001, 0), "larger than the ring can never fit");
    }
}
