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
    void fullRingWaitsThenTimesOut() throws Exception {
        ActivationRing ring = new ActivationRing(1_000, 8);
        assertNotNull(ring.reserve(600, 0));
        long t0 = System.nanoTime();
        assertNull(ring.reserve(600, 20_000_000L));
        assertTrue(System.nanoTime() - t0 >= 15_000_000L, "a blocked reservation waits for room");
        assertNull(ring.reserve(1_001, 0), "larger than the ring can never fit");
    }
}
