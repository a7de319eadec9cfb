package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm GPT block: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}. Passes the attention's KV
 * cache through: input {@code (x, bias[, pastK, pastV])}, output {@code (x', k, v)}.
 */
public final class TransformerLayer extends ModelBlock {

    private static final byte VERSION = 1;

    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    public TransformerLayer(int hidden, int heads) {
        super(VERSION);
        // axis(2): normalise over the feature axis of [B,S,D] only (the builder's default would include S).
        this.ln1 = addChildBlock("ln_1", LayerNorm.builder().axis(2).build());
        this.attn = addChildBlock("attn", new CausalSelfAttention(hidden, heads));
        this.ln2 = addChildBlock("ln_2", LayerNorm.builder().axis(2).build());
        this.mlp = addChildBlock("mlp", new Mlp(hidden));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDList attnIn = new NDList(ln1.forward(store, new NDList(x), training).singletonOrThrow(), inputs.get(1));
        if (inputs.size() == 4) {
            attnIn.add(inputs.get(2));
            attnIn.add(inputs.get(3));
        }
        NDList attnOut = attn.forward(store, attnIn, training);
        NDArray h = x.add(attnOut.get(0));
        NDArray m = mlp.forward(store, ln2.forward(store, new NDList(h), training), training).singletonOrThrow();
        return new NDList(h.add(m), attnOut.get(1), attnOut.get(2));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        ln1.initialize(manager, dataType, x);
        attn.initialize(manager, dataType, inputShapes);
        ln2.initialize(manager, dataType, x);
        mlp.initialize(manager, dataType, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return attn.getOutputShapes(inputShapes);
    }
}
