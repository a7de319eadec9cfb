package io.tokenpath.samples.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The state of one request in {@link HandLoopGenerator}: the tokens the next model call must read (the whole
 * prompt first, then the last token), how many positions are already in the KV cache, and that cache.
 */
public final class DecodeState implements AutoCloseable {

    private final NDManager manager;
    private long[] pending;
    private long past;
    private NDList kvCache;
    private int generated;

    DecodeState(NDManager manager, long[] prompt) {
        this.manager = manager;
        this.pending = prompt.clone();
    }

    NDManager manager() {
        return manager;
    }

    long[] pending() {
        return pending;
    }

    long past() {
        return past;
    }

    NDList kvCache() {
        return kvCache;
    }

    /** Number of tokens generated so far. */
    public int generated() {
        return generated;
    }

    /** Records a step: its inputs are now cached, the new cache replaces (and frees) the old one. */
    void advance(long token, NDList newCache) {
        past += pending.length;
        pending = new long[] {token};
        if (kvCache != null) {
            kvCache.close();
        }
        kvCache = newCache;
        generated++;
    }

    @Override
    public void close() {
        manager.close();
    }
}
