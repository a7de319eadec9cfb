package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * A GPT-style decoder built from DJL blocks, with the input/output contract of DJL's {@code TextGenerator}.
 *
 * <p>Input: {@code (inputIds [B,S], positionIds [B,S], attentionMask [B,P+S], k0, v0, k1, v1, ...)} where the KV
 * pairs (one per layer, {@code [B,H,P,D/H]}) are absent on the first pass. Output: {@code (logits [B,S,V],
 * hidden [B,S,D], k0', v0', ...)}, the hidden state being the final LayerNorm's output (contrastive search compares
 * it between candidates).
 *
 * <p>Children are named like GPT-2's modules, so DJL's block paths read {@code 03h0/02attn/01c_attn}: {@code wte},
 * {@code wpe}, {@code h0}..{@code h<N-1>}, {@code ln_f}, {@code lm_head}.
 */
public final class GptModel extends ModelBlock {

    private static final byte VERSION = 1;
    /** Additive bias for masked attention scores: large enough to zero the softmax, small enough to stay finite. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final EmbeddingTable wte;
    private final EmbeddingTable wpe;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm lnF;
    private final Linear lmHead;

    public GptModel(ModelConfig config) {
        super(VERSION);
        this.config = config;
        this.wte = addChildBlock("wte", new EmbeddingTable(config.vocabSize(), config.hidden()));
        this.wpe = addChildBlock("wpe", new EmbeddingTable(config.context(), config.hidden()));
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("h" + i, new TransformerLayer(config.hidden(), config.heads())));
        }
        this.lnF = addChildBlock("ln_f", LayerNorm.builder().axis(2).build());
        this.lmHead = addChildBlock("lm_head", Linear.builder().setUnits(config.vocabSize()).optBias(false).build());
    }

    public ModelConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        int kvArrays = inputs.size() - 3;
        if (kvArrays != 0 && kvArrays != 2 * layers.size()) {
            throw new IllegalArgumentException("model " + config.name() + " expects (ids, positions, mask) plus 0 or "
                    + 2 * layers.size() + " KV arrays, got " + inputs.size() + " arrays");
        }
        NDArray ids = inputs.get(0);
        NDArray positions = inputs.get(1);
        NDArray mask = inputs.get(2);
        long seq = ids.getShape().get(1);
        long past = kvArrays == 0 ? 0 : inputs.get(3).getShape().get(2);
        if (past + seq > config.context()) {
            throw new IllegalArgumentException("model " + config.name() + ": sequence length " + (past + seq)
                    + " exceeds its context of " + config.context() + " tokens");
        }
        if (mask.getShape().get(1) != past + seq) {
            throw new IllegalArgumentException("attention mask covers " + mask.getShape().get(1)
                    + " positions, expected past " + past + " + new " + seq);
        }

        NDArray x = wte.forward(store, new NDList(ids), training).singletonOrThrow()
                .add(wpe.forward(store, new NDList(positions), training).singletonOrThrow());
        NDArray bias = attentionBias(mask, past, seq);

        NDList presents = new NDList(2 * layers.size());
        for (int i = 0; i < layers.size(); i++) {
            NDList in = new NDList(x, bias);
            if (kvArrays > 0) {
                in.add(inputs.get(3 + 2 * i));
                in.add(inputs.get(4 + 2 * i));
            }
            NDList out = layers.get(i).forward(store, in, training);
            x = out.get(0);
            presents.add(out.get(1));
            presents.add(out.get(2));
        }
        NDArray hidden = lnF.forward(store, new NDList(x), training).singletonOrThrow();
        NDArray logits = lmHead.forward(store, new NDList(hidden), training).singletonOrThrow();
        NDList result = new NDList(logits, hidden);
        result.addAll(presents);
        return result;
    }

    /**
     * {@code [B,1,S,T]} additive bias: {@link #MASKED} where the attention mask is 0 (padding) or where a key lies in
     * the future of its query. A single new token (decode) sees the whole past, so it needs no causal part.
     */
    private static NDArray attentionBias(NDArray mask, long past, long seq) {
        NDManager m = mask.getManager();
        long batch = mask.getShape().get(0);
        long total = past + seq;
        NDArray bias = mask.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED).reshape(batch, 1, 1, total);
        if (seq > 1) {
            NDArray queryPos = m.arange(past, past + seq, 1L, DataType.INT64).reshape(seq, 1);
            NDArray keyPos = m.arange(0L, total, 1L, DataType.INT64).reshape(1, total);
            NDArray future = keyPos.gt(queryPos).toType(DataType.FLOAT32, false).mul(MASKED);
            bias = bias.add(future.reshape(1, 1, seq, total));
        }
        return bias;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape x = ids.add(config.hidden());
        Shape bias = new Shape(ids.get(0), 1, ids.get(1), ids.get(1));
        wte.initialize(manager, dataType, ids);
        wpe.initialize(manager, dataType, ids);
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, x, bias);
        }
        lnF.initialize(manager, dataType, x);
        lmHead.initialize(manager, dataType, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        long past = inputShapes.length > 3 ? inputShapes[3].get(2) : 0;
        Shape kv = new Shape(ids.get(0), config.heads(), past + ids.get(1), config.headDim());
        Shape[] out = new Shape[2 + 2 * layers.size()];
        out[0] = ids.add(config.vocabSize());
        out[1] = ids.add(config.hidden());
        for (int i = 2; i < out.length; i++) {
            out[i] = kv;
        }
        return out;
    }
}
