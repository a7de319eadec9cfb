package io.tokenpath.agent.impl.tap;

import io.tokenpath.capture.config.CaptureConfig;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Starts the tap from {@code capture.*} keys (without the prefix): the tap's own keys (sampling, outputs) are taken
 * here, every other key goes to capture-runtime's CaptureConfig, which validates it and names the key in its error.
 */
public final class CaptureStarter {
    private static final Set<String> TAP_KEYS = Set.of("sample_requests", "steps", "max_frames_per_request", "outputs",
            "duration_seconds", "tokenizer");

    private CaptureStarter() {}

    /** @throws IllegalArgumentException naming the bad key (message starts with the key, without "capture.") */
    public static void start(Map<String, String> keys, ActivationTap tap, String service) throws IOException {
        if (!keys.containsKey("output")) throw new IllegalArgumentException("output: no stream file given");
        CaptureConfig.Builder b = CaptureConfig.builder();
        if (keys.containsKey("preset")) b.set("preset", keys.get("preset"));
        keys.forEach((k, v) -> {
            if (!TAP_KEYS.contains(k) && !k.equals("preset")) b.set(k, v);
        });
        if (service != null && !service.isEmpty()) b.metadata("service", service);
        TapSampling sampling = TapSampling.parse(keys.get("sample_requests"), keys.get("steps"),
                keys.get("max_frames_per_request"), keys.get("outputs"));
        long seconds = 0;
        if (keys.containsKey("duration_seconds")) {
            try {
                seconds = Long.parseLong(keys.get("duration_seconds").trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("duration_seconds: '" + keys.get("duration_seconds") + "' is not an integer");
            }
            if (seconds < 1) throw new IllegalArgumentException("duration_seconds: must be >= 1");
        }
        io.tokenpath.capture.text.TokenizerVocabulary vocabulary = null;
        String tokenizer = keys.get("tokenizer");
        if (tokenizer != null && !tokenizer.isBlank()) {
            try {
                vocabulary = io.tokenpath.capture.text.TokenizerVocabulary.load(java.nio.file.Path.of(tokenizer.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenizer: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("tokenizer: cannot read '" + tokenizer + "' (" + e + ")");
            }
        }
        CaptureConfig cfg = b.build();
        tap.start(cfg, sampling, vocabulary);
        if (seconds > 0) tap.stopAfter(seconds);
    }
}
