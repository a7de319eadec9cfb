package io.tokenpath.capture.cli;

import io.tokenpath.capture.util.Json;

import java.util.Locale;
import java.util.Map;

/** Number and text formatting shared by the commands; Locale.ROOT so output does not change with the machine. */
final class Fmt {
    private Fmt() {}

    /** 12,345 */
    /** Bytes in binary units: "512 B", "1.5 KiB", "20.3 MiB". */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int k = -1;
        while (v >= 1024 && k < u.length - 1) {
            v /= 1024;
            k++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, u[k]);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Five significant digits, scientific only when needed: 0.012346, 1234.6, 1.2346e+07; "-" for NaN. */
    static String num(double v) {
        if (Double.isNaN(v)) return "-";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%.5g", v);
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }

    /** A token's text for a table cell: quoted and escaped as a JSON string, long text shortened ("..." after). */
    static String token(String text) {
        if (text == null) return "-";
        int max = 16;
        return text.length() <= max ? Json.write(text) : Json.write(text.substring(0, max)) + "...";
    }

    /** A JSON-ish map as "k=v, k=v" (nested maps in braces). */
    static String pairs(Map<?, ?> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (sb.length() > 0) sb.append(", ");
            sb.append(k).append('=').append(v instanceof Map<?, ?> inner ? "{" + pairs(inner) + "}" : v);
        });
        return sb.toString();
    }
}
