package io.tokenpath.samples.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic benchmark prompts: ASCII words drawn with a seeded {@link Random} (its algorithm is fixed by the
 * JDK specification), each prompt cut to an exact byte length, which for the byte-level tokenizer is its token
 * count. Same arguments, same prompts, on any JVM.
 */
public final class PromptSet {

    private static final String[] WORDS = {
        "token", "latency", "request", "queue", "prefill", "decode", "cache", "layer", "tensor", "stream",
        "model", "batch", "client", "server", "kernel", "memory", "thread", "signal", "metric", "trace",
        "the", "a", "of", "to", "and", "in", "is", "on", "for", "with", "every", "first", "next", "last",
    };

    private PromptSet() {}

    /**
     * @param count number of prompts
     * @param length target length in bytes (= tokens)
     * @param rangeRatio 0 for exactly {@code length}; r spreads lengths uniformly over
     *     {@code [length * (1 - r), length * (1 + r)]}, at least 1
     * @param seed seed of the word draw and of the lengths
     */
    public static List<String> generate(int count, int length, double rangeRatio, long seed) {
        if (count < 1 || length < 1) {
            throw new IllegalArgumentException("need at least one prompt of at least one token, got count="
                    + count + " length=" + length);
        }
        if (rangeRatio < 0 || rangeRatio >= 1) {
            throw new IllegalArgumentException("prompt length range ratio must be in [0, 1), got " + rangeRatio);
        }
        Random random = new Random(seed);
        List<String> prompts = new ArrayList<>(count);
        int low = Math.max(1, (int) Math.floor(length * (1 - rangeRatio)));
        int high = Math.max(low, (int) Math.ceil(length * (1 + rangeRatio)));
        for (int i = 0; i < count; i++) {
            int len = low + (high == low ? 0 : random.nextInt(high - low + 1));
            StringBuilder p = new StringBuilder(len + 16);
            while (p.length() < len) {
                p.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            prompts.add(p.substring(0, len));
        }
        return prompts;
    }
}
