package io.tokenpath.samples.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} / {@code --name=value} command-line flags with typed getters. An unknown flag, a missing
 * value or a malformed number fails with one line naming the flag, which the mains print above their usage.
 */
public final class Flags {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final boolean help;

    private Flags(Map<String, String> values, boolean help) {
        this.values.putAll(values);
        this.help = help;
    }

    /** @param known flag names without the leading dashes; {@code --help}/{@code -h} is always accepted */
    public static Flags parse(String[] args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (flags look like --name value)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("flag --" + name + " needs a value");
            }
            if (!known.contains(name)) {
                List<String> sorted = new ArrayList<>(known);
                sorted.sort(null);
                throw new IllegalArgumentException("unknown flag --" + name + "; known flags: --"
                        + String.join(", --", sorted));
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException("flag --" + name + " is given twice");
            }
        }
        return new Flags(values, help);
    }

    public boolean help() {
        return help;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new IllegalArgumentException("flag --" + name + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flag --" + name + " must be an integer, got '" + v + "'");
        }
    }

    public long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flag --" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** A number {@code > 0}; {@code inf} gives {@link Double#POSITIVE_INFINITY}. */
    public double positiveDouble(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("inf") || t.equals("infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double d = Double.parseDouble(t);
            if (!(d > 0) || Double.isNaN(d)) {
                throw new IllegalArgumentException("flag --" + name + " must be > 0, got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flag --" + name + " must be a number or 'inf', got '" + v + "'");
        }
    }

    /** A comma-separated list, blanks dropped; empty when the flag is absent. */
    public List<String> list(String name) {
        String v = values.get(name);
        if (v == null) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
