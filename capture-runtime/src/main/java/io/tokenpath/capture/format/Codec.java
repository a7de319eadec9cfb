package io.tokenpath.capture.format;

import java.util.Locale;

/** Lossless compression applied to a frame's payload (after the transform and the optional shuffle filter). */
public enum Codec {
    NONE(0), LZ4(1), ZSTD(2);

    private final int code;

    Codec(int code) { this.code = code; }

    public int code() { return code; }

    public static Codec fromCode(int code) throws StreamFormatException {
        for (Codec c : values()) {
            if (c.code == code) return c;
        }
        throw new StreamFormatException("unknown codec code " + code + " (known: 0 none, 1 lz4, 2 zstd)");
    }

    public static Codec parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown codec '" + name + "' (valid: none, lz4, zstd)");
        }
    }

    public String lowerName() { return name().toLowerCase(Locale.ROOT); }
}
