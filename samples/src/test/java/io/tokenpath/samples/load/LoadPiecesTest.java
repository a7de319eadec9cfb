package io.tokenpath.samples.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The deterministic pieces of the load generator: prompts, arrivals, percentiles, flags. */
class LoadPiecesTest {

    @Test
    void promptsAreDeterministicAsciiOfExactLength() {
        List<String> a = PromptSet.generate(20, 32, 0.0, 42);
        assertEquals(a, PromptSet.generate(20, 32, 0.0, 42));
        for (String p : a) {
            assertEquals(32, p.getBytes(StandardCharsets.UTF_8).length);
            assertTrue(p.chars().allMatch(c -> c >= 0x20 && c < 0x7F), p);
        }
        for (String p : PromptSet.generate(50, 100, 0.5, 1)) {
            int len = p.length();
            assertTrue(len >= 50 && len <= 150, "length " + len);
        }
    }

    @Test
    void poissonArrivalsAreSeededIncreasingAndAtTheRate() {
        long[] a = LoadGenerator.arrivalOffsets(2000, 100.0, 7);
        assertArrayEquals(a, LoadGenerator.arrivalOffsets(2000, 100.0, 7));
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] >= a[i - 1]);
        }
        double meanGapMs = a[a.length - 1] / 1e6 / (a.length - 1);
        assertEquals(10.0, meanGapMs, 1.0); // 100/s means 10 ms apart on average
        assertArrayEquals(new long[3], LoadGenerator.arrivalOffsets(3, Double.POSITIVE_INFINITY, 7));
    }

    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] nanos = new double[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1e6; // 100..1 ms, unsorted on purpose
        }
        Summary s = Summary.ofNanos(nanos);
        assertEquals(100, s.count());
        assertEquals(50.5, s.mean(), 1e-9);
        assertEquals(50.5, s.p50(), 1e-9);
        assertEquals(90.1, s.p90(), 1e-9);
        assertEquals(99.01, s.p99(), 1e-9);
        assertEquals(1.0, s.min(), 1e-9);
        assertEquals(100.0, s.max(), 1e-9);
        assertEquals(0, Summary.ofNanos(new double[] {Double.NaN}).count());
    }

    @Test
    void badFlagsFailWithTheFlagName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--concurrency", "zero"}));
        assertEquals("flag --concurrency must be an integer, got 'zero'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--rps", "3"}));
        assertTrue(e.getMessage().startsWith("unknown flag --rps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--rate", "-1"}));
        assertTrue(e.getMessage().contains("--rate"), e.getMessage());
    }
}
