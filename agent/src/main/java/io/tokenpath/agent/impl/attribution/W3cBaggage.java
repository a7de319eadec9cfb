package io.tokenpath.agent.impl.attribution;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One entry of a W3C {@code baggage} header ({@code key1=value1;prop, key2=value2}): list members separated by
 * commas, properties after a semicolon, values percent-encoded UTF-8 ('+' is a plus sign, not a space).
 */
final class W3cBaggage {
    private W3cBaggage() {}

    /** The value of {@code key} in the header value {@code baggage}, or null when absent or malformed. */
    static String value(String baggage, String key) {
        if (baggage == null || baggage.length() > 8192) return null; // W3C's limit: larger headers are not baggage
        for (String member : baggage.split(",")) {
            int semi = member.indexOf(';');
            String kv = semi < 0 ? member : member.substring(0, semi);
            int eq = kv.indexOf('=');
            if (eq <= 0) continue;
            if (!kv.substring(0, eq).trim().equals(key)) continue;
            return percentDecoded(kv.substring(eq + 1).trim());
        }
        return null;
    }

    private static String percentDecoded(String v) {
        if (v.indexOf('%') < 0) return v;
        byte[] in = v.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(in[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
