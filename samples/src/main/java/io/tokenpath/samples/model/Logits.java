package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Small helpers over {@code [B,S,V]} logits. */
public final class Logits {

    private Logits() {}

    /** Greedy choice for one row: arg max over the vocabulary at the last position. */
    public static long argMaxLast(NDArray logits, long row) {
        if (logits.getShape().dimension() != 3) {
            throw new IllegalArgumentException("expected logits [B,S,V], got " + logits.getShape());
        }
        try (NDArray last = logits.get(new NDIndex("{}, -1, :", row)); NDArray best = last.argMax()) {
            return best.getLong();
        }
    }
}
