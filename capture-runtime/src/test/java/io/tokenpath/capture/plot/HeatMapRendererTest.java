package io.tokenpath.capture.plot;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class HeatMapRendererTest {

    static HeatMap map(double[][] v) {
        return new HeatMap("t", "x", "y", "v", List.of("a", "b"), List.of("0", "1", "2"), v, Set.of());
    }

    /**
     * The lowest value gets the bottom colour of the scale, the highest the top, a gap is grey. Counted in pixels:
     * a cell covers thousands, the colour bar only a strip a few pixels high of any one colour.
     */
    @Test
    void cellsAreColouredByValueAndMissingCellsAreGrey() {
        BufferedImage img = HeatMapRenderer.render(map(new double[][] {{0, 5, Double.NaN}, {10, 5, 5}}), 600, 400);
        assertEquals(600, img.getWidth());
        assertEquals(400, img.getHeight());
        Map<Integer, Integer> pixels = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) pixels.merge(img.getRGB(x, y), 1, Integer::sum);
        }
        int lo = pixels.getOrDefault(ColorScale.at(0).getRGB(), 0);
        int mid = pixels.getOrDefault(ColorScale.at(0.5).getRGB(), 0);
        int hi = pixels.getOrDefault(ColorScale.at(1).getRGB(), 0);
        int missing = pixels.getOrDefault(HeatMapRenderer.MISSING.getRGB(), 0);
        assertTrue(lo > 5000, "one cell of the lowest colour: " + lo);
        assertTrue(hi > 5000 && hi < lo * 2, "one cell of the highest colour: " + hi);
        assertTrue(mid > 2.5 * lo, "three cells of the middle colour: " + mid);
        assertTrue(missing > 5000, "one missing cell: " + missing);
    }

    @Test
    void tooSmallAnImageIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HeatMapRenderer.render(map(new double[2][3]), 100, 100));
    }

    @Test
    void shapeMismatchIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map(new double[][] {{1, 2}}));
        assertTrue(e.getMessage().contains("1 value rows for 2 row labels"), e.getMessage());
    }

    @Test
    void scaleRunsFromDarkToLight() {
        Color lo = ColorScale.at(0);
        Color hi = ColorScale.at(1);
        assertEquals(new Color(0x440154), lo);
        assertEquals(new Color(0xfde725), hi);
        assertEquals(lo, ColorScale.at(-3));
        assertEquals(hi, ColorScale.at(7));
    }

    @Test
    void ticksAreShortAndExact() {
        assertEquals("0.75", HeatMapRenderer.formatTick(0.75));
        assertEquals("13.89", HeatMapRenderer.formatTick(13.8912));
        assertEquals("1.500e-05", HeatMapRenderer.formatTick(1.5e-5));
        assertEquals("0", HeatMapRenderer.formatTick(0));
        assertEquals("100", HeatMapRenderer.formatTick(100));
    }
}
