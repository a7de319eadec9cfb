package io.tokenpath.samples.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The feed-forward half of a transformer block: {@code c_fc} (D to 4D), GELU, {@code c_proj} (4D to D). */
public final class Mlp extends ModelBlock {

    private static final byte VERSION = 1;

    private final int hidden;
    private final Linear cFc;
    private final Linear cProj;

    public Mlp(int hidden) {
        super(VERSION);
        this.hidden = hidden;
        this.cFc = addChildBlock("c_fc", Linear.builder().setUnits(4L * hidden).build());
        this.cProj = addChildBlock("c_proj", Linear.builder().setUnits(hidden).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList up = cFc.forward(store, inputs, training);
        return cProj.forward(store, new NDList(Activation.gelu(up.singletonOrThrow())), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        cFc.initialize(manager, dataType, x);
        cProj.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(4L * hidden));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
