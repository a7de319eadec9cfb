package io.tokenpath.samples.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * A loaded {@link GptModel} in a DJL {@link Model} on the PyTorch engine (CPU). Thread-safe to share; the
 * predictors it hands out are not (DJL predictors are per thread), so each inference worker takes its own.
 */
public final class LanguageModel implements AutoCloseable {

    private final ModelConfig config;
    private final Model model;
    private final GptModel block;
    private final long parameterCount;

    private LanguageModel(ModelConfig config, Model model, GptModel block, long parameterCount) {
        this.config = config;
        this.model = model;
        this.block = block;
        this.parameterCount = parameterCount;
    }

    /** Builds the model and its deterministic weights (first use of the engine unpacks the natives once). */
    public static LanguageModel load(ModelConfig config) {
        Model model = Model.newInstance(config.name(), Device.cpu(), "PyTorch");
        try {
            GptModel block = new GptModel(config);
            // The values are overwritten by SeededWeights; ZEROS only gives every parameter a cheap allocation.
            block.setInitializer(Initializer.ZEROS, p -> true);
            Shape oneToken = new Shape(1, 1);
            block.initialize(model.getNDManager(), DataType.FLOAT32, oneToken, oneToken, oneToken);
            long count = SeededWeights.apply(block, config);
            // DJL creates parameters with requires_grad on, and PyTorch then records an autograd graph through
            // every op of every forward: measured here, a third of the tiny model's decode time, for gradients
            // inference never reads. This is an inference-only model.
            block.freezeParameters(true);
            if (count != config.parameterCount()) {
                throw new IllegalStateException("model " + config.name() + " has " + count
                        + " parameters, its config describes " + config.parameterCount());
            }
            model.setBlock(block);
            return new LanguageModel(config, model, block, count);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public GptModel block() {
        return block;
    }

    public long parameterCount() {
        return parameterCount;
    }

    /** A new predictor over this model; the caller owns (and closes) it and uses it from one thread. */
    public Predictor<NDList, CausalLMOutput> newPredictor(CausalLmTranslator translator) {
        return model.newPredictor(translator);
    }

    /** A manager for one request's arrays; closing it frees them all, whatever path the generation took. */
    public NDManager newRequestManager() {
        return model.getNDManager().newSubManager();
    }

    @Override
    public void close() {
        model.close();
    }
}
