package io.tokenpath.samples.model;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.modality.nlp.generate.ContrastiveSeqBatchScheduler;
import ai.djl.modality.nlp.generate.SearchConfig;
import ai.djl.modality.nlp.generate.SeqBatchScheduler;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Continuous batching through DJL's own {@link SeqBatchScheduler} ({@link ContrastiveSeqBatchScheduler}, the one
 * scheduler DJL 0.35.1 ships, k=4, alpha=0.6 as {@link SearchGenerator}): sequences join the running batch between
 * steps ({@code addRequest}: their prefill, left-padded to the batch's length by DJL), every step gives each sequence
 * one token, and a sequence leaves as soon as it is complete. Measured here: a sequence batched this way gets the
 * same tokens as {@code TextGenerator}'s contrastive search on its own.
 *
 * <p>Two limits of DJL's scheduler shape this class. Every sequence of a scheduler stops at one total length
 * ({@code SearchConfig.maxSeqLength}, prompt included), so a batch only takes requests whose prompt + new tokens
 * equal its {@link #totalLength()}. And the scheduler never frees the batch state it replaces each step: it all stays
 * in the NDManager it was created with until that is closed. So a batch takes joins only for its first
 * {@code joinSteps} steps, then drains, and its manager is closed once its last sequence has left; DJL's scheduler
 * cannot take a request once it is empty anyway (it fails in {@code SeqBatcher.merge}).
 *
 * <p>Used from one thread (the predictor's).
 */
public final class ContinuousBatch implements AutoCloseable {

    private final LanguageModel model;
    private final SeqBatchScheduler scheduler;
    private final NDManager manager;
    private final int totalLength;
    private final int joinSteps;
    private final Map<Long, Integer> promptLengths = new HashMap<>();
    private long steps;
    private boolean closed;

    /**
     * @param predictor this thread's predictor of {@code model}
     * @param totalLength prompt + new tokens of every sequence of this batch
     * @param joinSteps steps during which new sequences may join
     */
    public ContinuousBatch(LanguageModel model, Predictor<NDList, CausalLMOutput> predictor, int totalLength,
            int joinSteps) {
        if (totalLength < 2 || totalLength > model.config().context()) {
            throw new IllegalArgumentException("total length " + totalLength + " outside 2.." + model.config().context());
        }
        this.model = model;
        this.totalLength = totalLength;
        this.joinSteps = joinSteps;
        SearchConfig config = new SearchConfig();
        config.setMaxSeqLength(totalLength);
        config.setK(SearchGenerator.TOP_K);
        config.setAlpha(SearchGenerator.ALPHA);
        this.scheduler = new OwnedOffsetsScheduler(predictor, config);
        this.manager = model.newRequestManager();
    }

    public int totalLength() {
        return totalLength;
    }

    /** True while new sequences may join (see the class comment). */
    public boolean admitting() {
        return !closed && steps < joinSteps;
    }

    /** Sequences in the batch now. */
    public int size() {
        return promptLengths.size();
    }

    /** Adds a sequence (its prefill runs now); {@code uid} names it in the results. */
    public void join(long uid, long[] prompt) throws TranslateException {
        if (!admitting()) {
            throw new IllegalStateException("this batch no longer takes new sequences");
        }
        if (prompt.length < 1 || prompt.length >= totalLength) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens for a batch of total length "
                    + totalLength);
        }
        if (promptLengths.containsKey(uid)) {
            throw new IllegalArgumentException("uid " + uid + " is already in the batch");
        }
        GenerationLimits.check(model.config(), prompt.length, totalLength - prompt.length);
        NDArray ids = manager.create(new long[][] {prompt});
        NDArray uids = manager.create(new long[] {uid});
        scheduler.addRequest(ids, uids);
        promptLengths.put(uid, prompt.length);
    }

    /**
     * One step: every sequence gets one token. Returns the sequences that completed in it, by uid, as their new
     * tokens (the prompt removed). Closes the batch once it is empty.
     */
    public Map<Long, long[]> step() throws TranslateException {
        if (closed || promptLengths.isEmpty()) {
            throw new IllegalStateException("no sequence to step");
        }
        scheduler.incrementForward(1);
        steps++;
        Map<Long, long[]> done = new LinkedHashMap<>();
        for (Map.Entry<Long, NDArray> e : scheduler.collectResults().entrySet()) {
            Integer promptLength = promptLengths.remove(e.getKey());
            if (promptLength == null) {
                throw new IllegalStateException("DJL returned a sequence for unknown uid " + e.getKey());
            }
            long[] sequence = e.getValue().toLongArray();
            if (sequence.length != totalLength) {
                throw new IllegalStateException("uid " + e.getKey() + ": DJL returned " + sequence.length
                        + " tokens, expected " + totalLength);
            }
            done.put(e.getKey(), Arrays.copyOfRange(sequence, promptLength, sequence.length));
        }
        if (promptLengths.isEmpty()) {
            close();
        }
        return done;
    }

    /** Frees every array the batch made (its whole state, step by step). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
