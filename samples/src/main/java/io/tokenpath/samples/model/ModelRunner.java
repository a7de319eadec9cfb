package io.tokenpath.samples.model;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;

/**
 * One thread's handle on one model: its own predictor (DJL predictors are not shared between threads) with the
 * TextGenerator path and the hand-written loop on top. Close it on the thread's way out.
 */
public final class ModelRunner implements AutoCloseable {

    private final LanguageModel model;
    private final Predictor<NDList, CausalLMOutput> predictor;
    private final SearchGenerator search;
    private final HandLoopGenerator loop;

    public ModelRunner(LanguageModel model) {
        this.model = model;
        CausalLmTranslator translator = new CausalLmTranslator(model.config());
        this.predictor = model.newPredictor(translator);
        this.search = new SearchGenerator(model, predictor, translator);
        this.loop = new HandLoopGenerator(model, predictor);
    }

    public LanguageModel model() {
        return model;
    }

    /** Generates {@code maxTokens} new tokens after {@code prompt} with the given search; returns them. */
    public long[] generate(String prompt, int maxTokens, SearchMode mode, TokenListener listener)
            throws TranslateException {
        if (mode == SearchMode.LOOP) {
            return loop.generate(prompt, maxTokens, listener);
        }
        return search.generate(ByteTokenizer.encode(prompt), maxTokens, mode, listener);
    }

    public SearchGenerator search() {
        return search;
    }

    public HandLoopGenerator loop() {
        return loop;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
