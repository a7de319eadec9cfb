package io.tokenpath.capture.analysis;

import io.tokenpath.capture.ReferenceStats;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ActivationStatsTest {

    @Test
    void oneTensorMatchesTheDefinitions() {
        float[] v = {1f, -2f, 0f, 3.5f, 0f, -0f, 2f};
        ActivationStats s = ActivationStats.of(v);
        assertEquals(7, s.count());
        assertEquals(Math.sqrt(1 + 4 + 12.25 + 4), s.l2(), 1e-15);
        assertEquals(4.5 / 7, s.mean(), 1e-15);
        assertEquals(-2, s.min());
        assertEquals(3.5, s.max());
        assertEquals(3, s.zeros(), "-0.0 is an exact zero too");
        assertEquals(3.0 / 7, s.sparsity(), 1e-15);
        ReferenceStats.assertClose(ReferenceStats.of(v), s);
    }

    @Test
    void mergingTensorsEqualsStatisticsOfTheirConcatenation() {
        Random rnd = new Random(5);
        StatsAccumulator acc = new StatsAccumulator();
        float[] all = new float[0];
        for (int k = 0; k < 9; k++) {
            float[] part = new float[1 + rnd.nextInt(300)];
            for (int i = 0; i < part.length; i++) part[i] = rnd.nextInt(5) == 0 ? 0f : (float) (rnd.nextGaussian() * (k + 1) + k);
            acc.merge(StatsAccumulator.of(part));
            int at = all.length;
            all = Arrays.copyOf(all, at + part.length);
            System.arraycopy(part, 0, all, at, part.length);
        }
        ReferenceStats.assertClose(ReferenceStats.of(all), acc.snapshot());
    }

    /**
     * A large mean against a small spread: sum(x^2)/n - mean^2 cancels catastrophically here (x^2 is 1e12, the
     * variance 0.25; double keeps about 1e-4 of it), the two-pass variance and Chan's merge keep it to 1e-9.
     */
    @Test
    void varianceSurvivesALargeOffset() {
        float[] a = new float[4096];
        for (int i = 0; i < a.length; i++) a[i] = i % 2 == 0 ? 1_000_000.5f : 999_999.5f;
        StatsAccumulator acc = new StatsAccumulator();
        for (int k = 0; k < 16; k++) acc.merge(StatsAccumulator.of(Arrays.copyOfRange(a, k * 256, (k + 1) * 256)));
        assertEquals(0.5, acc.snapshot().std(), 1e-9);
        assertEquals(1_000_000.0, acc.snapshot().mean(), 1e-9);
        assertEquals(0.5, ActivationStats.of(a).std(), 1e-9);
    }

    @Test
    void nanPropagatesAndIsCounted() {
        ActivationStats s = ActivationStats.of(new float[] {1f, Float.NaN, 2f, Float.POSITIVE_INFINITY});
        assertEquals(2, s.nonFinite());
        assertTrue(Double.isNaN(s.mean()));
        assertTrue(Double.isNaN(s.max()));
        assertEquals(4, s.count());
    }

    @Test
    void emptyInputHasNoMeanButCountsZero() {
        ActivationStats s = new StatsAccumulator().merge(StatsAccumulator.of(new float[0])).snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.l2());
        assertTrue(Double.isNaN(s.mean()));
        assertTrue(Double.isNaN(s.sparsity()));
    }

    @Test
    void statisticByName() {
        ActivationStats s = ActivationStats.of(new float[] {0f, 4f});
        assertEquals(4, Statistic.parse("L2").of(s));
        assertEquals(2, Statistic.parse("mean").of(s));
        assertEquals(2, Statistic.parse("std").of(s));
        assertEquals(0, Statistic.parse("min").of(s));
        assertEquals(4, Statistic.parse("max").of(s));
        assertEquals(0.5, Statistic.parse(" sparsity ").of(s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Statistic.parse("median"));
        assertTrue(e.getMessage().contains("'median'") && e.getMessage().contains("sparsity"), e.getMessage());
    }
}
