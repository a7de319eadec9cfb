package io.tokenpath.capture.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns padded to their widest cell, numbers right-aligned, two spaces apart. */
final class TextTable {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    TextTable left(String header) {
        headers.add(header);
        rightAligned.add(false);
        return this;
    }

    TextTable right(String header) {
        headers.add(header);
        rightAligned.add(true);
        return this;
    }

    void row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = String.valueOf(cells[i]);
        rows.add(r);
    }

    boolean isEmpty() { return rows.isEmpty(); }

    void print(PrintStream out, String indent) {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) w[i] = headers.get(i).length();
        for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
        out.println(line(headers.toArray(new String[0]), w, indent));
        for (String[] r : rows) out.println(line(r, w, indent));
    }

    private String line(String[] cells, int[] w, String indent) {
        StringBuilder sb = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append("  ");
            String pad = " ".repeat(w[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            if (rightAligned.get(i)) sb.append(pad).append(cells[i]);
            else sb.append(cells[i]).append(last ? "" : pad);
        }
        return sb.toString();
    }
}
