package io.tokenpath.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table, printed as Markdown (so the same output pastes into docs/performance.md). */
final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers;
    }

    void row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) r[i] = i < cells.length ? String.valueOf(cells[i]) : "";
        rows.add(r);
    }

    String render() {
        int[] w = new int[headers.length];
        for (int i = 0; i < w.length; i++) w[i] = headers[i].length();
        for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        line(sb, headers, w);
        sb.append('|');
        for (int x : w) sb.append("-".repeat(x + 2)).append('|');
        sb.append('\n');
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            sb.append(' ').append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" |");
        }
        sb.append('\n');
    }

    static String f(double v, int decimals) {
        if (Double.isNaN(v)) return "n/a";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Scientific notation for errors. */
    static String e(double v) {
        if (v == 0) return "0";
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
