package io.tokenpath.agent.impl.helper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one protocol line. A malformed line is a {@link HelperProtocolException} naming what is wrong; the
 * client counts it and goes on with the next line.
 */
final class ProtocolParser {
    static final int MAX_LINE = 4096;
    static final int SUPPORTED_PROTOCOL = 1;

    private ProtocolParser() {}

    static HelperRecord parse(String line) {
        if (line.length() > MAX_LINE) throw new HelperProtocolException("line over " + MAX_LINE + " characters");
        if (line.startsWith("tokenpath-helper ")) return hello(line);
        if (line.length() < 2 || line.charAt(1) != ' ') throw new HelperProtocolException("not a record: " + clip(line));
        String rest = line.substring(2);
        char kind = line.charAt(0);
        try {
            switch (kind) {
                case 'T': return meta(rest);
                case 'B': {
                    String[] p = rest.split(" ");
                    return new HelperRecord.Begin(Long.parseLong(p[0]), Long.parseLong(p[1]));
                }
                case 'Z': return new HelperRecord.End(Long.parseLong(rest.trim()));
                case 'C':
                case 'G': {
                    Series s = series(rest);
                    return new HelperRecord.Value(kind == 'C', s.name, s.labels, Double.parseDouble(rest.substring(s.end).trim()));
                }
                case 'H': {
                    Series s = series(rest);
                    String[] p = rest.substring(s.end).trim().split(" ");
                    if (p.length != 3) throw new HelperProtocolException("histogram needs count, sum, buckets: " + clip(line));
                    String[] c = p[2].split(",");
                    long[] counts = new long[c.length];
                    for (int i = 0; i < c.length; i++) counts[i] = Long.parseLong(c[i]);
                    return new HelperRecord.Histogram(s.name, s.labels, Long.parseLong(p[0]), Double.parseDouble(p[1]), counts);
                }
                case 'E': {
                    Series s = series(rest);
                    return new HelperRecord.Event(s.name, s.labels, pairs(rest, s.end, rest.length()).map);
                }
                case 'X': return new HelperRecord.Close(rest);
                default: return new HelperRecord.Unknown(kind);
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new HelperProtocolException("malformed " + kind + " record (" + e.getMessage() + "): " + clip(line));
        }
    }

    private static HelperRecord.Hello hello(String line) {
        String[] parts = line.split(" ");
        int version;
        try {
            version = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new HelperProtocolException("hello without a protocol version: " + clip(line));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 2; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return new HelperRecord.Hello(version, fields);
    }

    private static HelperRecord.Meta meta(String rest) {
        String[] p = rest.split(" ", 5);
        if (p.length < 4) throw new HelperProtocolException("T record needs name, type, unit, bounds: " + clip(rest));
        List<Double> bounds = Collections.emptyList();
        if (!p[3].equals("-")) {
            bounds = new ArrayList<>();
            for (String b : p[3].split(",")) bounds.add(Double.parseDouble(b));
        }
        return new HelperRecord.Meta(p[0], p[1], p[2].equals("-") ? "" : p[2], bounds, p.length > 4 ? p[4] : "");
    }

    private record Series(String name, Map<String, String> labels, int end) {}

    private record Pairs(Map<String, String> map, int end) {}

    /** {@code name{k="v",...}}: the name, the labels, and where the series ends. */
    private static Series series(String s) {
        int brace = s.indexOf('{');
        if (brace <= 0) throw new HelperProtocolException("series without a label set: " + clip(s));
        Pairs p = pairs(s, brace + 1, s.length());
        if (p.end >= s.length() || s.charAt(p.end) != '}') throw new HelperProtocolException("unterminated label set: " + clip(s));
        return new Series(s.substring(0, brace), p.map, p.end + 1);
    }

    /** {@code k="v"} pairs separated by commas or spaces, from {@code i} up to a closing brace or the end. */
    private static Pairs pairs(String s, int i, int limit) {
        Map<String, String> m = new LinkedHashMap<>();
        while (i < limit) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ') {
                i++;
                continue;
            }
            if (c == '}') break;
            int eq = s.indexOf('=', i);
            if (eq < 0 || eq + 1 >= limit || s.charAt(eq + 1) != '"') throw new HelperProtocolException("bad label at " + i + ": " + clip(s));
            String key = s.substring(i, eq);
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; j < limit && s.charAt(j) != '"'; j++) {
                char ch = s.charAt(j);
                if (ch == '\\' && j + 1 < limit) {
                    char n = s.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(ch);
                }
            }
            if (j >= limit) throw new HelperProtocolException("unterminated label value: " + clip(s));
            m.put(key, v.toString());
            i = j + 1;
        }
        return new Pairs(m, i);
    }

    private static String clip(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
