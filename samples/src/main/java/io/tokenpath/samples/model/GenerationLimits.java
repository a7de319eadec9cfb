package io.tokenpath.samples.model;

/** The request limits every generation path enforces the same way, with the same messages. */
public final class GenerationLimits {

    private GenerationLimits() {}

    /** @throws IllegalArgumentException when the prompt is empty, no token is asked for, or it all exceeds context */
    public static void check(ModelConfig config, int promptTokens, int maxTokens) {
        if (promptTokens < 1) {
            throw new IllegalArgumentException("the prompt is empty: at least one token is needed");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        if ((long) promptTokens + maxTokens > config.context()) {
            throw new IllegalArgumentException("prompt (" + promptTokens + " tokens) + max_tokens (" + maxTokens
                    + ") exceeds the context of model " + config.name() + " (" + config.context() + " tokens)");
        }
    }
}
