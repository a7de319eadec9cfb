package io.tokenpath.capture.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Draws a {@link HeatMap} into an image of a fixed size with plain java.awt (works headless): title on top, row
 * labels on the left, column labels rotated under the cells, axis titles, and a colour bar with its scale on the
 * right. Cells share the plot area evenly (fractional edges, so any count fits any size); when cells get smaller
 * than a line of text, only every k-th label is drawn so labels never overlap. Cells without a value are grey.
 */
public final class HeatMapRenderer {
    private HeatMapRenderer() {}

    public static final int MIN_WIDTH = 320;
    public static final int MIN_HEIGHT = 240;

    static final Color MISSING = new Color(0xD8D8D8);
    private static final Color INK = new Color(0x202020);
    private static final int PAD = 12;
    private static final int AXIS_TITLE = 20;
    private static final int BAR_WIDTH = 16;
    private static final int BAR_GAP = 14;
    private static final int TICKS = 5;

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);

    /** Renders {@code map} into a {@code width} x {@code height} RGB image. */
    public static BufferedImage render(HeatMap map, int width, int height) {
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is below the minimum "
                    + MIN_WIDTH + "x" + MIN_HEIGHT);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            new Layout(g, map, width, height).draw();
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Positions computed from the labels' real widths in the current font, then the drawing. */
    private static final class Layout {
        final Graphics2D g;
        final HeatMap map;
        final int width;
        final int height;
        final double lo;
        final double hi;
        final String[] tickText;
        final FontMetrics label;
        final int x0;
        final int x1;
        final int y0;
        final int y1;
        final int rowLabelWidth;
        final int columnLabelHeight;

        Layout(Graphics2D g, HeatMap map, int width, int height) {
            this.g = g;
            this.map = map;
            this.width = width;
            this.height = height;
            double[] range = map.finiteRange();
            lo = range == null ? 0 : range[0];
            hi = range == null ? 1 : range[1];
            tickText = new String[TICKS];
            for (int i = 0; i < TICKS; i++) tickText[i] = formatTick(tickValue(i));
            label = g.getFontMetrics(LABEL_FONT);
            int tickWidth = 0;
            for (String t : tickText) tickWidth = Math.max(tickWidth, label.stringWidth(t));
            rowLabelWidth = Math.min(maxWidth(map.rowLabels().toArray(new String[0])), width * 35 / 100);
            columnLabelHeight = Math.min(maxWidth(map.columnLabels().toArray(new String[0])), height * 30 / 100);
            FontMetrics title = g.getFontMetrics(TITLE_FONT);
            x0 = PAD + AXIS_TITLE + rowLabelWidth + 6;
            x1 = width - PAD - tickWidth - 6 - BAR_WIDTH - BAR_GAP;
            // Room for the title and, under it, the value name over the colour bar.
            y0 = PAD + title.getHeight() + label.getHeight() + 14;
            y1 = height - PAD - AXIS_TITLE - columnLabelHeight - 6;
        }

        private int maxWidth(String[] texts) {
            int w = 0;
            for (String s : texts) w = Math.max(w, label.stringWidth(s));
            return w;
        }

        double tickValue(int i) {
            return lo + (hi - lo) * i / (TICKS - 1);
        }

        /** Left edge of column {@code c}; the last edge is {@code x1}. */
        int colX(int c) {
            return x0 + (int) Math.round((double) c * (x1 - x0) / map.columnLabels().size());
        }

        int rowY(int r) {
            return y0 + (int) Math.round((double) r * (y1 - y0) / map.rowLabels().size());
        }

        void draw() {
            drawTitle();
            drawCells();
            drawRowLabels();
            drawColumnLabels();
            drawAxisTitles();
            drawColourBar();
        }

        void drawTitle() {
            g.setFont(TITLE_FONT);
            g.setColor(INK);
            FontMetrics fm = g.getFontMetrics();
            String t = fit(map.title(), fm, width - 2 * PAD);
            g.drawString(t, (width - fm.stringWidth(t)) / 2, PAD + fm.getAscent());
        }

        void drawCells() {
            int rows = map.rowLabels().size();
            int cols = map.columnLabels().size();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double v = map.values()[r][c];
                    g.setColor(Double.isFinite(v) ? ColorScale.at(normalise(v)) : MISSING);
                    g.fillRect(colX(c), rowY(r), colX(c + 1) - colX(c), rowY(r + 1) - rowY(r));
                }
            }
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(2f));
            for (int c : map.separatorsBefore()) {
                if (c > 0 && c < cols) g.drawLine(colX(c), y0, colX(c), y1);
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(INK);
            g.drawRect(x0, y0, x1 - x0, y1 - y0);
        }

        double normalise(double v) {
            return hi > lo ? (v - lo) / (hi - lo) : 0.5;
        }

        void drawRowLabels() {
            g.setFont(LABEL_FONT);
            g.setColor(INK);
            int rows = map.rowLabels().size();
            int every = labelStride(y1 - y0, rows);
            for (int r = 0; r < rows; r += every) {
                String s = fit(map.rowLabels().get(r), label, rowLabelWidth);
                int mid = (rowY(r) + rowY(r + 1)) / 2;
                g.drawString(s, x0 - 6 - label.stringWidth(s), mid + label.getAscent() / 2 - 1);
            }
        }

        /** Column labels run bottom-up under their column, as rotated text. */
        void drawColumnLabels() {
            g.setFont(LABEL_FONT);
            g.setColor(INK);
            int cols = map.columnLabels().size();
            int every = labelStride(x1 - x0, cols);
            AffineTransform saved = g.getTransform();
            for (int c = 0; c < cols; c += every) {
                String s = fit(map.columnLabels().get(c), label, columnLabelHeight);
                int mid = (colX(c) + colX(c + 1)) / 2;
                g.setTransform(saved);
                g.translate(mid + label.getAscent() / 2 - 1, y1 + 6 + label.stringWidth(s));
                g.rotate(-Math.PI / 2);
                g.drawString(s, 0, 0);
            }
            g.setTransform(saved);
        }

        /** Draw every k-th label, k chosen so consecutive labels are at least a text line apart. */
        int labelStride(int extent, int count) {
            double cell = (double) extent / Math.max(1, count);
            return Math.max(1, (int) Math.ceil((label.getHeight() + 1) / cell));
        }

        void drawAxisTitles() {
            g.setFont(AXIS_FONT);
            g.setColor(INK);
            FontMetrics fm = g.getFontMetrics();
            String x = map.xAxisTitle();
            g.drawString(x, (x0 + x1 - fm.stringWidth(x)) / 2, height - PAD - fm.getDescent());
            AffineTransform saved = g.getTransform();
            String y = map.yAxisTitle();
            g.translate(PAD + fm.getAscent(), (y0 + y1 + fm.stringWidth(y)) / 2);
            g.rotate(-Math.PI / 2);
            g.drawString(y, 0, 0);
            g.setTransform(saved);
        }

        void drawColourBar() {
            int bx = x1 + BAR_GAP;
            for (int y = y0; y < y1; y++) {
                g.setColor(ColorScale.at(1 - (double) (y - y0) / Math.max(1, y1 - y0 - 1)));
                g.drawLine(bx, y, bx + BAR_WIDTH - 1, y);
            }
            g.setColor(INK);
            g.drawRect(bx, y0, BAR_WIDTH - 1, y1 - y0 - 1);
            g.setFont(LABEL_FONT);
            int ticks = hi > lo ? TICKS : 1;
            for (int i = 0; i < ticks; i++) {
                int y = ticks == 1 ? (y0 + y1) / 2 : y1 - 1 - (int) Math.round((double) i * (y1 - y0 - 1) / (TICKS - 1));
                g.drawLine(bx + BAR_WIDTH, y, bx + BAR_WIDTH + 3, y);
                g.drawString(tickText[ticks == 1 ? 0 : i], bx + BAR_WIDTH + 6, y + label.getAscent() / 2 - 1);
            }
            // Right-aligned over the bar and its scale, never left of the plot's edge.
            String name = fit(map.valueName(), label, width - PAD - x1);
            g.drawString(name, Math.max(x1 + 4, width - PAD - label.stringWidth(name)), y0 - label.getDescent() - 8);
            g.setColor(MISSING);
            g.fillRect(bx, y1 + 6, BAR_WIDTH, 10);
            g.setColor(INK);
            g.drawString("none", bx + BAR_WIDTH + 6, y1 + 6 + label.getAscent() - 1);
        }
    }

    /** Four significant digits without trailing zeros (0.75, 13.89, 1.5e-05). */
    static String formatTick(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a < 1e-3 || a >= 1e5) return String.format(Locale.ROOT, "%.3e", v);
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.indexOf('.') >= 0) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    /**
     * {@code s}, shortened to fit {@code max} pixels by cutting its middle: layer names share long prefixes
     * ("model.layers.") and differ in the index and the block at the end, which both stay visible.
     */
    static String fit(String s, FontMetrics fm, int max) {
        if (fm.stringWidth(s) <= max) return s;
        String e = "\u2026";
        for (int keep = s.length() - 1; keep > 0; keep--) {
            int head = (keep + 1) / 2;
            String t = s.substring(0, head) + e + s.substring(s.length() - (keep - head));
            if (fm.stringWidth(t) <= max) return t;
        }
        return e;
    }
}
