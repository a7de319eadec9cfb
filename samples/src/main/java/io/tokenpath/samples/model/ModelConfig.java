package io.tokenpath.samples.model;

import java.util.List;
import java.util.Locale;

/**
 * Shape of a GPT-style decoder and the seed of its weights. The weights are a pure function of this record, so two
 * processes that build the same config compute the same tokens.
 *
 * @param name model name as clients pass it in the {@code model} field
 * @param vocabSize vocabulary size; 256 for the byte-level tokenizer
 * @param hidden width of the residual stream
 * @param layers number of transformer blocks ({@code h0}..{@code h<layers-1>})
 * @param heads attention heads; must divide {@code hidden}
 * @param context maximum sequence length (learned position table size): prompt + new tokens must fit
 * @param seed seed of the deterministic weights
 */
public record ModelConfig(String name, int vocabSize, int hidden, int layers, int heads, int context, long seed) {

    /**
     * ~1.6 M parameters in 3 layers. On CPU a model this small is bound by per-op overhead (DJL + PyTorch eager,
     * several microseconds per op, ~20 ops per layer), not by arithmetic, so the layer count sets its speed.
     */
    public static final ModelConfig TINY = new ModelConfig("tiny", ByteTokenizer.VOCAB_SIZE, 192, 3, 4, 1024, 0x70C3L);

    /** ~29 M parameters: GPT-2-like proportions, ITL of several milliseconds on CPU. */
    public static final ModelConfig SMALL = new ModelConfig("small", ByteTokenizer.VOCAB_SIZE, 512, 9, 8, 1024, 0x5A11L);

    public static final List<ModelConfig> BUILT_IN = List.of(TINY, SMALL);

    public ModelConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (vocabSize <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || context <= 1) {
            throw new IllegalArgumentException("model " + name + ": sizes must be positive (vocab=" + vocabSize
                    + ", hidden=" + hidden + ", layers=" + layers + ", heads=" + heads + ", context=" + context + ")");
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(
                    "model " + name + ": hidden " + hidden + " is not divisible by heads " + heads);
        }
    }

    /** Looks up a built-in model by name (case-insensitive). */
    public static ModelConfig byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ModelConfig c : BUILT_IN) {
            if (c.name.equals(wanted)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; built-in models: "
                + BUILT_IN.stream().map(ModelConfig::name).toList());
    }

    public int headDim() {
        return hidden / heads;
    }

    /** Parameter count computed from the shapes (the model's own count is checked against this in tests). */
    public long parameterCount() {
        long d = hidden;
        long perLayer = 2 * (2 * d) // ln_1, ln_2: gamma + beta
                + d * 3 * d + 3 * d // attn.c_attn
                + d * d + d // attn.c_proj
                + d * 4 * d + 4 * d // mlp.c_fc
                + 4 * d * d + d; // mlp.c_proj
        return (long) vocabSize * d // wte
                + (long) context * d // wpe
                + layers * perLayer
                + 2 * d // ln_f
                + d * vocabSize; // lm_head, no bias
    }
}
