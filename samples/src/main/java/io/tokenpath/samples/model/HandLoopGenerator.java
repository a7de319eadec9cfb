package io.tokenpath.samples.model;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;

/**
 * A plain hand-written greedy decoding loop over the same predictor, with no DJL search code in between: one
 * {@link #generate} call per request and one {@link #nextToken} call per token (the prompt's prefill is the first
 * {@code nextToken}). This is the shape of loop the agent's "configured pointcuts" target by {@code class#method}
 * name, so keep those two methods, their names and their one-call-per-request / one-call-per-token contract.
 *
 * <p>One instance per predictor, used from one thread.
 */
public final class HandLoopGenerator {

    private final LanguageModel model;
    private final Predictor<NDList, CausalLMOutput> predictor;

    public HandLoopGenerator(LanguageModel model, Predictor<NDList, CausalLMOutput> predictor) {
        this.model = model;
        this.predictor = predictor;
    }

    /**
     * Greedily generates {@code maxTokens} tokens after {@code prompt} (byte-tokenized), calling {@code listener}
     * as soon as each token exists. Returns the new tokens.
     */
    public long[] generate(String prompt, int maxTokens, TokenListener listener) throws TranslateException {
        long[] promptIds = ByteTokenizer.encode(prompt);
        GenerationLimits.check(model.config(), promptIds.length, maxTokens);
        long[] out = new long[maxTokens];
        try (DecodeState state = new DecodeState(model.newRequestManager(), promptIds)) {
            for (int i = 0; i < maxTokens; i++) {
                out[i] = nextToken(state);
                listener.onToken(out[i], i);
            }
        }
        return out;
    }

    /** One model call: reads the pending tokens, returns the arg max of the last position, advances the state. */
    @SuppressWarnings("try") // the scope is used for its close(), as in DJL's own TextGenerator
    public long nextToken(DecodeState state) throws TranslateException {
        NDManager manager = state.manager();
        long[] pending = state.pending();
        long past = state.past();
        // The scope frees every array this step creates (inputs, activations, logits) except the new KV cache.
        try (NDScope scope = new NDScope()) {
            NDArray ids = manager.create(new long[][] {pending});
            NDArray positions = manager.arange(past, past + pending.length, 1L, DataType.INT64)
                    .reshape(1, pending.length);
            NDArray mask = manager.ones(new Shape(1, past + pending.length), DataType.INT64);
            NDList input = new NDList(ids, positions, mask);
            if (state.kvCache() != null) {
                input.addAll(state.kvCache());
            }
            CausalLMOutput output = predictor.predict(input);
            long token = Logits.argMaxLast(output.getLogits(), 0);
            NDList cache = output.getPastKeyValuesList();
            NDScope.unregister(cache);
            state.advance(token, cache);
            return token;
        }
    }
}
