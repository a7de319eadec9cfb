package io.tokenpath.samples.model;

import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * The translator of a {@code Predictor<NDList, CausalLMOutput>}: passes {@code TextGenerator}'s model input through
 * unchanged and splits the model output into logits, hidden state and KV cache.
 *
 * <p>It is a {@link NoBatchifyTranslator}: the default {@code Batchifier.STACK} would add a batch axis to inputs that
 * already have one. An optional {@link LogitsListener} sees each call's logits; that is how greedy search streams
 * (one model call = one token). One instance per predictor, used from one thread.
 */
public final class CausalLmTranslator implements NoBatchifyTranslator<NDList, CausalLMOutput> {

    private final int layers;
    private LogitsListener listener;

    public CausalLmTranslator(ModelConfig config) {
        this.layers = config.layers();
    }

    /** Sets (or, with null, clears) the listener for the following calls on this thread. */
    public void setLogitsListener(LogitsListener listener) {
        this.listener = listener;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, NDList input) {
        return input;
    }

    @Override
    public CausalLMOutput processOutput(TranslatorContext ctx, NDList output) {
        if (output.size() != 2 + 2 * layers) {
            throw new IllegalStateException(
                    "model returned " + output.size() + " arrays, expected logits, hidden and " + 2 * layers + " KV");
        }
        NDArray logits = output.get(0);
        if (listener != null) {
            listener.onLogits(logits);
        }
        return new CausalLMOutput(logits, output.get(1), output.subNDList(2));
    }
}
