package io.tokenpath.capture.plot;

import java.awt.Color;

/**
 * Maps [0, 1] to colour along viridis (matplotlib's default): perceptually uniform, ordered by lightness so it
 * still reads in greyscale, and readable with the common colour-vision deficiencies. The curve is interpolated
 * linearly between nine of its published sample points.
 */
public final class ColorScale {
    private ColorScale() {}

    private static final int[] ANCHORS = {
        0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725,
    };

    /** The colour at {@code t}, clamped to [0, 1]; NaN is treated as 0. */
    public static Color at(double t) {
        double c = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        double pos = c * (ANCHORS.length - 1);
        int i = Math.min((int) pos, ANCHORS.length - 2);
        double f = pos - i;
        int a = ANCHORS[i];
        int b = ANCHORS[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        int x = a & 0xff;
        int y = b & 0xff;
        return (int) Math.round(x + (y - x) * f);
    }
}
