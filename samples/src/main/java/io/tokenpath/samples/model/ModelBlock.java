package io.tokenpath.samples.model;

import ai.djl.nn.AbstractBlock;

/**
 * Base of this model's own blocks. DJL's {@code AbstractBaseBlock.forward} asks {@code isInitialized()} on every
 * call, and the default answer rebuilds the block's whole parameter list, names concatenated level by level: for
 * the tiny model that was about 0.1 ms of every decode step spent re-checking what cannot change. Once a block is
 * initialised it stays so until {@link #clear()}, so the answer is cached.
 */
abstract class ModelBlock extends AbstractBlock {

    private volatile boolean initialized;

    ModelBlock(byte version) {
        super(version);
    }

    @Override
    public boolean isInitialized() {
        if (!initialized) {
            initialized = super.isInitialized();
        }
        return initialized;
    }

    @Override
    public void clear() {
        initialized = false;
        super.clear();
    }
}
