package io.tokenpath.samples.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How tokens are chosen, and which code path produces them. The path matters to the agent: each weaves a
 * different method.
 */
public enum SearchMode {
    /** {@code TextGenerator.greedySearch}; streams per token through the predictor's logits (one call = one token). */
    GREEDY("greedy", true),
    /** {@code TextGenerator.beamSearch} (3 beams); tokens are final only at the end, so a stream is sent after it. */
    BEAM("beam", false),
    /** {@code TextGenerator.contrastiveSearch} (k=4, alpha=0.6); the choice happens inside DJL, streamed after it. */
    CONTRASTIVE("contrastive", false),
    /** {@link HandLoopGenerator}: a plain Java greedy loop, one {@code nextToken} call per token. */
    LOOP("loop", true);

    private final String wireName;
    private final boolean streamsPerToken;

    SearchMode(String wireName, boolean streamsPerToken) {
        this.wireName = wireName;
        this.streamsPerToken = streamsPerToken;
    }

    public String wireName() {
        return wireName;
    }

    /** True when each token reaches the listener as soon as it is computed; false when all arrive at the end. */
    public boolean streamsPerToken() {
        return streamsPerToken;
    }

    public static SearchMode parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (SearchMode mode : values()) {
            if (mode.wireName.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown search '" + name + "'; choose one of "
                + Arrays.stream(values()).map(SearchMode::wireName).toList());
    }
}
