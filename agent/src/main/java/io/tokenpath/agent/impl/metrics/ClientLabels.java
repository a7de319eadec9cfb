package io.tokenpath.agent.impl.metrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the client label: the first {@code max} distinct client identities keep their name, every later one is
 * reported as {@code other}, so a client header can never explode the series count. Values are also cut to 64
 * characters and stripped of control characters.
 */
public final class ClientLabels {
    public static final String OTHER = "other";
    public static final String UNKNOWN = "unknown";
    private final int max;
    private final ConcurrentHashMap<String, Boolean> known = new ConcurrentHashMap<>();

    public ClientLabels(int max) {
        this.max = max;
    }

    public String label(String raw) {
        if (raw == null || raw.isBlank()) return UNKNOWN;
        String v = sanitize(raw);
        if (known.containsKey(v)) return v;
        synchronized (this) {
            if (known.containsKey(v)) return v;
            if (known.size() >= max) return OTHER;
            known.put(v, Boolean.TRUE);
            return v;
        }
    }

    private static String sanitize(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7f) b.append(c);
        }
        return b.toString().trim();
    }
}
