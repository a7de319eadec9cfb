package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head causal self-attention with a KV cache.
 *
 * <p>Input: {@code (x [B,S,D], bias [B,1,S,T])} for a first pass, or {@code (x, bias, pastK, pastV)} with
 * {@code pastK/pastV [B,H,P,D/H]} and {@code T = P + S}. Output: {@code (y [B,S,D], k [B,H,T,D/H], v)}: the keys
 * and values of the whole sequence so far, which is the layout DJL's {@code TextGenerator} expects (it reads the
 * head count from axis 1 and reshapes along it for beam and contrastive search). The additive {@code bias} carries
 * both the causal and the padding mask and is computed once per forward by {@link GptModel}.
 */
public final class CausalSelfAttention extends ModelBlock {

    private static final byte VERSION = 1;

    private final int hidden;
    private final int heads;
    private final float scale;
    private final Linear cAttn;
    private final Linear cProj;

    public CausalSelfAttention(int hidden, int heads) {
        super(VERSION);
        this.hidden = hidden;
        this.heads = heads;
        this.scale = (float) (1.0 / Math.sqrt(hidden / (double) heads));
        this.cAttn = addChildBlock("c_attn", Linear.builder().setUnits(3L * hidden).build());
        this.cProj = addChildBlock("c_proj", Linear.builder().setUnits(hidden).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2 && inputs.size() != 4) {
            throw new IllegalArgumentException(
                    "attention expects (x, bias) or (x, bias, pastK, pastV), got " + inputs.size() + " arrays");
        }
        NDArray x = inputs.get(0);
        NDArray bias = inputs.get(1);
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        long headDim = hidden / heads;

        NDArray qkv = cAttn.forward(store, new NDList(x), training).singletonOrThrow();
        // [B,S,3D] -> [3,B,H,S,hd]: one reshape and one permute instead of three slices of the projection.
        NDArray split = qkv.reshape(batch, seq, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        if (inputs.size() == 4) {
            k = inputs.get(2).concat(k, 2);
            v = inputs.get(3).concat(v, 2);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).muli(scale).addi(bias); // [B,H,S,T]
        NDArray context = scores.softmax(-1).matMul(v); // [B,H,S,hd]
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(batch, seq, hidden);
        NDArray y = cProj.forward(store, new NDList(merged), training).singletonOrThrow();
        return new NDList(y, k, v);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        cAttn.initialize(manager, dataType, x);
        cProj.initialize(manager, dataType, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        long past = inputShapes.length == 4 ? inputShapes[2].get(2) : 0;
        Shape kv = new Shape(x.get(0), heads, past + x.get(1), hidden / heads);
        return new Shape[] {x, kv, kv};
    }
}
