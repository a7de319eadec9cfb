package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A lookup table {@code [rows, dim]} indexed by int64 ids: the token embedding ({@code wte}) and the learned
 * position embedding ({@code wpe}). DJL's own {@code Embedding} block maps arbitrary items to ids; here the ids are
 * already the input, so this block is just the weight plus the engine's embedding op.
 */
public final class EmbeddingTable extends ModelBlock {

    private static final byte VERSION = 1;

    private final long rows;
    private final long dim;
    private final Parameter weight;

    public EmbeddingTable(long rows, long dim) {
        super(VERSION);
        this.rows = rows;
        this.dim = dim;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, dim))
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray table = store.getValue(weight, ids.getDevice(), training);
        return Embedding.embedding(ids, table, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }

    public long rows() {
        return rows;
    }
}
