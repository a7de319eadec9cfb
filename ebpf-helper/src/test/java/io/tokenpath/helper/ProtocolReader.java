package io.tokenpath.helper;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent reader of the helper's protocol (docs/helper.md), written from the document for the tests: the
 * agent has its own. A batch is what lies between {@code B} and {@code Z}; events may come at any time.
 */
final class ProtocolReader {
    record Hist(long count, double sum, long[] buckets) {}

    record Event(String name, Map<String, String> fields) {}

    static final class Batch {
        final long seq;
        final long unixNanos; // when the helper began it
        final Map<String, Double> values = new LinkedHashMap<>();
        final Map<String, Hist> hists = new LinkedHashMap<>();
        /** series key -> its labels, for listing a metric's series */
        final Map<String, Map<String, String>> labels = new LinkedHashMap<>();

        Batch(long seq, long unixNanos) {
            this.seq = seq;
            this.unixNanos = unixNanos;
        }

        /** The value of {@code name} with exactly these labels ("k=v" pairs), or null. */
        Double value(String name, String... labels) {
            return values.get(key(name, labelMap(labels)));
        }

        double valueOr0(String name, String... labels) {
            Double v = value(name, labels);
            return v == null ? 0 : v;
        }

        Hist hist(String name, String... labels) {
            return hists.get(key(name, labelMap(labels)));
        }

        /** Every series of a metric, label set -> value. */
        Map<Map<String, String>, Double> series(String name) {
            Map<Map<String, String>, Double> m = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (k.startsWith(name + "{")) m.put(labels.get(k), v);
            });
            return m;
        }
    }

    final Map<String, String> hello = new LinkedHashMap<>();
    final Map<String, String[]> meta = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    String closeReason;

    private Batch open;

    /** Reads until the next complete batch; null at the end of the stream. */
    Batch next(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            Batch b = accept(line);
            if (b != null) return b;
        }
        return null;
    }

    synchronized Batch accept(String line) {
        if (line.startsWith("tokenpath-helper ")) {
            String[] parts = line.split(" ");
            hello.put("protocol", parts[1]);
            for (int i = 2; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) hello.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
            return null;
        }
        if (line.isEmpty()) return null;
        char kind = line.charAt(0);
        String rest = line.length() > 2 ? line.substring(2) : "";
        switch (kind) {
            case 'T' -> {
                String[] p = rest.split(" ", 5);
                meta.put(p[0], p);
            }
            case 'B' -> {
                String[] p = rest.split(" ");
                open = new Batch(Long.parseLong(p[0]), Long.parseLong(p[1]));
            }
            case 'Z' -> {
                Batch b = open;
                open = null;
                return b;
            }
            case 'C', 'G' -> {
                int sp = seriesEnd(rest);
                if (open != null) {
                    String series = rest.substring(0, sp);
                    String k = canonical(series);
                    open.values.put(k, Double.parseDouble(rest.substring(sp + 1).trim()));
                    open.labels.put(k, parseLabels(series.substring(series.indexOf('{'))));
                }
            }
            case 'H' -> {
                int sp = seriesEnd(rest);
                String[] p = rest.substring(sp + 1).trim().split(" ");
                String[] c = p[2].split(",");
                long[] buckets = new long[c.length];
                for (int i = 0; i < c.length; i++) buckets[i] = Long.parseLong(c[i]);
                if (open != null) open.hists.put(canonical(rest.substring(0, sp)), new Hist(Long.parseLong(p[0]), Double.parseDouble(p[1]), buckets));
            }
            case 'E' -> {
                int sp = seriesEnd(rest);
                String series = rest.substring(0, sp);
                events.add(new Event(series.substring(0, series.indexOf('{')), parseLabels("{" + rest.substring(sp + 1).trim() + "}")));
            }
            case 'X' -> closeReason = rest;
            default -> { /* unknown records are ignored, as the protocol says */ }
        }
        return null;
    }

    /** End of {@code name{labels}}: the first space after the closing brace (label values may hold spaces). */
    private static int seriesEnd(String s) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') { i++; continue; }
            if (c == '"') quoted = !quoted;
            if (c == '}' && !quoted) return i + 1;
        }
        throw new IllegalArgumentException("no label set in: " + s);
    }

    static Map<String, String> parseLabels(String s) {
        Map<String, String> m = new TreeMap<>();
        int i = s.indexOf('{') + 1;
        while (i < s.length() && s.charAt(i) != '}') {
            int eq = s.indexOf('=', i);
            String k = s.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; s.charAt(j) != '"'; j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    char n = s.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            m.put(k, v.toString());
            i = j + 1;
            while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) i++;
        }
        return m;
    }

    private static String canonical(String series) {
        int b = series.indexOf('{');
        return key(series.substring(0, b), parseLabels(series.substring(b)));
    }

    static Map<String, String> labelMap(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (String p : kv) {
            int eq = p.indexOf('=');
            m.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return m;
    }

    static String key(String name, Map<String, String> labels) {
        return name + labels;
    }
}
