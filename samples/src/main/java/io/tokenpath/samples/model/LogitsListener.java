package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;

/** Sees the logits of every model call, inside the predictor, before DJL's search picks a token from them. */
@FunctionalInterface
public interface LogitsListener {

    /** @param logits {@code [B,S,V]}, valid only during the call (DJL frees step arrays right after) */
    void onLogits(NDArray logits);
}
