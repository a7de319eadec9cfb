package io.tokenpath.samples.model;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.modality.nlp.generate.SearchConfig;
import ai.djl.modality.nlp.generate.TextGenerator;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;

import java.util.Arrays;

/**
 * Generation through DJL's own {@link TextGenerator} (greedy, beam, contrastive), i.e. the code path a DJL user
 * takes and the agent instruments ({@code TextGenerator.*Search}, {@code StepGeneration.*}).
 *
 * <p>TextGenerator returns the whole sequence at the end. Greedy search still streams for real: every predictor
 * call yields exactly one token, the arg max of its last logits, which {@link CausalLmTranslator} reports as soon
 * as the call returns; the streamed tokens are checked against the returned sequence. Beam and contrastive choose
 * inside DJL (beams are re-ranked until the end), so their tokens go to the listener after the search returns.
 *
 * <p>{@code SearchConfig}'s EOS id is fixed at 50256, outside the byte vocabulary, so every search runs to exactly
 * {@code maxTokens}. One instance per predictor, used from one thread.
 */
public final class SearchGenerator {

    static final int BEAMS = 3;
    static final int TOP_K = 4;
    static final float ALPHA = 0.6f;

    private final LanguageModel model;
    private final Predictor<NDList, CausalLMOutput> predictor;
    private final CausalLmTranslator translator;

    public SearchGenerator(
            LanguageModel model, Predictor<NDList, CausalLMOutput> predictor, CausalLmTranslator translator) {
        this.model = model;
        this.predictor = predictor;
        this.translator = translator;
    }

    /** Generates {@code maxTokens} tokens after {@code prompt}; returns only the new tokens. */
    public long[] generate(long[] prompt, int maxTokens, SearchMode mode, TokenListener listener)
            throws TranslateException {
        if (mode == SearchMode.LOOP) {
            throw new IllegalArgumentException("search 'loop' is the hand-written loop, not a TextGenerator search");
        }
        GenerationLimits.check(model.config(), prompt.length, maxTokens);
        // Beam search takes at least two steps (its first beams come before its loop); the extra token is dropped.
        int steps = mode == SearchMode.BEAM ? Math.max(2, maxTokens) : maxTokens;
        SearchConfig config = new SearchConfig();
        config.setMaxSeqLength(prompt.length + steps);
        config.setBeam(BEAMS);
        config.setK(TOP_K);
        config.setAlpha(ALPHA);
        TextGenerator generator = new TextGenerator(predictor, mode.wireName(), config);

        long[] streamed = new long[steps];
        int[] count = {0};
        if (mode == SearchMode.GREEDY) {
            translator.setLogitsListener(logits -> {
                if (count[0] >= steps) {
                    throw new IllegalStateException("greedy search made more model calls than the " + steps
                            + " tokens it was asked for");
                }
                long token = Logits.argMaxLast(logits, 0);
                streamed[count[0]] = token;
                listener.onToken(token, count[0]++);
            });
        }
        long[] generated;
        try (NDManager manager = model.newRequestManager()) {
            NDArray inputIds = manager.create(new long[][] {prompt});
            NDArray output = runSearch(generator, inputIds);
            // Beam search returns one row per beam; DJL exposes no beam scores, so the first row is taken.
            long[] sequence = output.get(0).toLongArray();
            if (sequence.length != prompt.length + steps) {
                throw new IllegalStateException("TextGenerator " + mode.wireName() + " returned " + sequence.length
                        + " tokens, expected prompt " + prompt.length + " + " + steps);
            }
            generated = Arrays.copyOfRange(sequence, prompt.length, prompt.length + maxTokens);
        } finally {
            translator.setLogitsListener(null);
        }

        if (mode == SearchMode.GREEDY) {
            if (count[0] != steps || !Arrays.equals(streamed, 0, maxTokens, generated, 0, maxTokens)) {
                throw new IllegalStateException("greedy stream diverged from TextGenerator's result: streamed "
                        + Arrays.toString(Arrays.copyOf(streamed, count[0])) + ", returned "
                        + Arrays.toString(generated));
            }
        } else {
            for (int i = 0; i < generated.length; i++) {
                listener.onToken(generated[i], i);
            }
        }
        return generated;
    }

    /** A cancellation thrown by the listener inside the predictor comes back wrapped by DJL; unwrap it. */
    private static NDArray runSearch(TextGenerator generator, NDArray inputIds) throws TranslateException {
        try {
            return generator.generate(inputIds);
        } catch (TranslateException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof GenerationCancelledException cancelled) {
                    throw cancelled;
                }
            }
            throw e;
        }
    }
}
