package io.tokenpath.capture.export;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns layer names into file names that are safe on every common file system and distinct from each other.
 * Layer names are dotted or slashed paths ("model.layers.0/attn"); a slash would create directories and other
 * characters are unsafe somewhere, so everything outside {@code [A-Za-z0-9._-]} becomes '_'. Two layers that
 * sanitise alike (or differ only in case, which macOS and Windows would merge) get "-2", "-3", ...
 */
public final class FileNames {
    /** Leaves room for suffixes such as ".index.csv" and ".123.npy" under the usual 255-byte limit. */
    private static final int MAX_BASE = 160;

    private final Set<String> used = new HashSet<>();

    /** A base name (no extension) for {@code layer}, never handed out before by this instance. */
    public String unique(String layer) {
        String base = sanitise(layer);
        String name = base;
        for (int k = 2; !used.add(name.toLowerCase(Locale.ROOT)); k++) name = base + "-" + k;
        return name;
    }

    static String sanitise(String layer) {
        StringBuilder sb = new StringBuilder(Math.min(layer.length(), MAX_BASE));
        for (int i = 0; i < layer.length() && sb.length() < MAX_BASE; i++) {
            char c = layer.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.';
            sb.append(ok ? c : '_');
        }
        // A leading dot would hide the file (and "." or ".." would name a directory).
        if (sb.length() == 0 || sb.charAt(0) == '.') sb.insert(0, '_');
        return sb.toString();
    }
}
