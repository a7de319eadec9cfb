package io.tokenpath.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code --key value} pairs; sizes accept k/m/g suffixes (binary). */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    static Args parse(String[] args) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) throw new IllegalArgumentException("expected --key, got '" + k + "'");
            int eq = k.indexOf('=');
            if (eq > 0) {
                a.values.put(k.substring(2, eq), k.substring(eq + 1));
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException(k + " needs a value");
                a.values.put(k.substring(2), args[++i]);
            }
        }
        return a;
    }

    String string(String key, String def) {
        return values.getOrDefault(key, def);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    int integer(String key, int def) {
        String v = values.get(key);
        return v == null ? def : Integer.parseInt(v.trim());
    }

    double decimal(String key, double def) {
        String v = values.get(key);
        return v == null ? def : Double.parseDouble(v.trim());
    }

    boolean bool(String key, boolean def) {
        String v = values.get(key);
        return v == null ? def : Boolean.parseBoolean(v.trim());
    }

    long size(String key, long def) {
        String v = values.get(key);
        return v == null ? def : parseSize(v);
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            mul = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        return (long) (Double.parseDouble(t) * mul);
    }
}
