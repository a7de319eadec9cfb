package io.tokenpath.capture.read;

import java.util.Map;

/** The stream's first frame: format version and the writer's JSON metadata (writer, creation time, config, model). */
public record StreamHeader(int version, int flags, Map<String, Object> metadata) {
    /** A metadata value as text, or null. */
    public String get(String key) {
        Object v = metadata.get(key);
        return v == null ? null : String.valueOf(v);
    }
}
