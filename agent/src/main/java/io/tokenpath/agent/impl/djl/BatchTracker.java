package io.tokenpath.agent.impl.djl;

import io.opentelemetry.api.common.Attributes;
import io.tokenpath.agent.bootstrap.Handoff;
import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.attribution.ClientAttribution;
import io.tokenpath.agent.impl.metrics.TokenMetrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The token path of requests under continuous batching (DJL's {@code SeqBatchScheduler}): many requests share one
 * thread and one forward per step, so the per-thread timeline of {@link RequestTracker} cannot hold them. Here a
 * request is a row of a batch, named by the uid the application gave it in {@code addRequest}, and lives in the
 * state of its {@code SeqBatcher} (the object that holds the batch's rows from the first join to the last leave):
 * it joins at {@code addRequest}, gets one token per step at {@code SeqBatcher.exitCriteria} (every scheduler calls
 * it once per step with the token of each row), and leaves at {@code SeqBatcher.collectAndTrim}, whose result is
 * the finished sequences. Batch size is recorded once per step, with the batch's own labels (provider, model,
 * search): a step serves several clients, so it has no client of its own.
 */
final class BatchTracker {
    private static final double NANOS = 1e9;

    /** One request of a batch: its token path, and its capture (null when no capture ran as it joined). */
    private static final class BatchRow extends TokenTimeline {
        final BatchCapture.Row capture;

        BatchRow(long start, long origin, RequestLabels labels, long inputLength, BatchCapture.Row capture) {
            super(start, origin, labels, inputLength);
            this.capture = capture;
        }

        boolean captured() {
            return capture != null && capture.captured;
        }
    }

    /** The requests of one SeqBatcher, by uid. Guarded by itself. */
    private static final class Batch {
        final Map<Long, BatchRow> seqs = new HashMap<>();
        final Attributes stepLabels;
        long maxLength = -1;

        Batch(Attributes stepLabels) {
            this.stepLabels = stepLabels;
        }
    }

    private final TokenMetrics m;
    private final RequestLabels.Cache labels;
    // Keyed by the SeqBatcher (identity: it defines no equals), weakly: an abandoned scheduler is forgotten with it.
    private final Map<Object, Batch> batches = Collections.synchronizedMap(new WeakHashMap<>());
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    private final ClientAttribution attribution;
    private final BatchCapture capture;

    /** {@code capture}: the activation tap's side of batching, or null without a tap. */
    BatchTracker(TokenMetrics metrics, RequestLabels.Cache labels, ClientAttribution attribution, BatchCapture capture) {
        this.m = metrics;
        this.labels = labels;
        this.attribution = attribution;
        this.capture = capture;
    }

    /**
     * A scheduler call starts on this thread while a capture runs: note which requests its forwards compute
     * ({@code batchUids}: a join's new rows; null: a step of the whole batch).
     */
    void captureCallStart(Object scheduler, Object batchUids) throws ReflectiveOperationException {
        if (capture == null || !capture.active()) return;
        if (batchUids != null) {
            long[] uids = DjlReflection.longs(batchUids);
            if (uids != null) capture.joinStarts(uids);
            return;
        }
        Object batcher = DjlReflection.seqBatcherOf(scheduler);
        if (batcher != null) stepRows(batcher);
    }

    /** The batch's rows in the batcher's order, with their steps: what its next forward computes. */
    private void stepRows(Object batcher) throws ReflectiveOperationException {
        Batch b = batches.get(batcher);
        long[] uids = DjlReflection.batchUids(batcher);
        if (b == null || uids == null) return;
        BatchCapture.Row[] rows = new BatchCapture.Row[uids.length];
        int[] steps = new int[uids.length];
        synchronized (b) {
            for (int i = 0; i < uids.length; i++) {
                BatchRow r = b.seqs.get(uids[i]);
                if (r == null) continue;
                rows[i] = r.capture;
                steps[i] = (int) r.steps;
            }
        }
        capture.stepRows(rows, steps);
    }

    /** A block output inside a scheduler call, while a capture runs. */
    void blockOutput(Object block, Object output) throws ReflectiveOperationException {
        if (capture != null) capture.blockOutput(block, output);
    }

    /** True while this thread is inside a scheduler's addRequest or incrementForward. */
    boolean inScheduler() {
        return depth.get()[0] > 0;
    }

    long callStart() {
        depth.get()[0]++;
        return System.nanoTime();
    }

    void callEnd(long start, Object scheduler, boolean join, Object inputIds, Object batchUids, Throwable error)
            throws ReflectiveOperationException {
        int[] d = depth.get();
        if (d[0] > 0) d[0]--;
        try {
            if (join) {
                join(start, scheduler, inputIds, batchUids, error);
            } else if (error != null) {
                failAll(scheduler, error);
            }
        } finally {
            if (capture != null && d[0] == 0) capture.callEnds();
        }
    }

    private void join(long start, Object scheduler, Object inputIds, Object batchUids, Throwable error)
            throws ReflectiveOperationException {
        long now = System.nanoTime();
        long[] uids = DjlReflection.longs(batchUids);
        long[] shape = DjlReflection.shape(inputIds);
        if (uids == null || shape == null || shape.length != 2 || shape[0] != uids.length) return; // not DJL's shapes
        String model = DjlReflection.modelName(scheduler);
        String search = RequestLabels.searchName(scheduler.getClass());
        RequestContext ctx = RequestContext.current();
        // The context a queue take adopted belonged to this join; the next join takes its own.
        Handoff.requestFinished();
        RequestLabels l = labels.get(model == null || model.isBlank() ? "unknown" : model,
                ctx == null ? "text_completion" : ctx.operation, attribution.client(ctx), search);
        long origin = ctx == null ? start : Math.min(ctx.arrivalNanos, start);
        if (error != null) {
            // The rows never joined: each is a request that failed before its first token.
            Attributes failed = l.base.toBuilder().put(TokenMetrics.ERROR_TYPE, error.getClass().getName()).build();
            for (int i = 0; i < uids.length; i++) {
                m.requestDuration.record((now - origin) / NANOS, failed);
                m.requests.add(1, failed.toBuilder().put(TokenMetrics.OUTCOME, "error").put(TokenMetrics.FINISH, "error").build());
            }
            return;
        }
        Object batcher = DjlReflection.seqBatcherOf(scheduler);
        if (batcher == null) return;
        long[] ids = DjlReflection.longs(inputIds);
        Long pad = DjlReflection.padTokenId(scheduler);
        int width = (int) shape[1];
        Batch b = batches.computeIfAbsent(batcher, k -> new Batch(Attributes.of(TokenMetrics.PROVIDER, labels.provider(),
                TokenMetrics.MODEL, l.base.get(TokenMetrics.MODEL), TokenMetrics.SEARCH, search)));
        BatchCapture.Row[] captured = capture == null ? null : capture.joining();
        synchronized (b) {
            for (int r = 0; r < uids.length; r++) {
                long length = width - leadingPads(ids, r * width, width, pad);
                BatchCapture.Row row = captured != null && captured.length == uids.length ? captured[r] : null;
                BatchRow seq = new BatchRow(start, origin, l, length, row);
                if (seq.captured()) {
                    capture.tap().requestStarted(row.id, l.base.get(TokenMetrics.MODEL), l.base.get(TokenMetrics.CLIENT), search,
                            length, "batch_uid", uids[r]);
                }
                TokenTimeline old = b.seqs.put(uids[r], seq);
                if (old != null) m.requestsRunning.add(-1, old.labels.running); // the application reused a uid
                m.requestsRunning.add(1, l.running);
                if (ctx != null) m.queueTime.record((start - origin) / NANOS, l.base);
                if (length > 0) m.tokens.add(length, l.input);
            }
        }
    }

    /** Left padding (the scheduler computes its offsets the same way: leading pad tokens). */
    private static long leadingPads(long[] ids, int from, int width, Long pad) {
        if (ids == null || pad == null) return 0;
        int n = 0;
        while (n < width && ids[from + n] == pad) n++;
        return n;
    }

    /** One step: each row's request got a token now. */
    void step(Object batcher, Object outputIds, long maxLength) throws ReflectiveOperationException {
        Batch b = batches.get(batcher);
        if (b == null) return; // a batch that started before the agent attached
        long now = System.nanoTime();
        long[] uids = DjlReflection.batchUids(batcher);
        if (uids == null) return;
        long[] shape = DjlReflection.shape(outputIds);
        int rows = shape != null && shape.length > 0 ? (int) shape[0] : uids.length;
        m.batchSize.record(rows, b.stepLabels);
        long[] tokens = capture != null && capture.active() ? DjlReflection.longs(outputIds) : null;
        synchronized (b) {
            b.maxLength = maxLength;
            for (int i = 0; i < uids.length; i++) {
                BatchRow s = b.seqs.get(uids[i]);
                if (s == null) continue;
                if (s.captured()) {
                    // The token the row chose this step; its frame's step is the token's index, as alone.
                    long id = tokens != null && tokens.length == uids.length ? tokens[i] : -1;
                    capture.tap().onToken(s.capture.id, (int) s.steps, id, false);
                }
                s.token(m, now, 1);
            }
        }
        if (capture != null && capture.stepping()) stepRows(batcher); // incrementForward(n > 1): steps moved on
    }

    /** {@code finished}: uid to the finished sequence (from its first real token to its end, prompt included). */
    void leave(Object batcher, Object finished) throws ReflectiveOperationException {
        if (!(finished instanceof Map) || ((Map<?, ?>) finished).isEmpty()) return;
        Batch b = batches.get(batcher);
        if (b == null) return;
        long now = System.nanoTime();
        synchronized (b) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) finished).entrySet()) {
                if (!(e.getKey() instanceof Long)) continue;
                BatchRow s = b.seqs.remove(e.getKey());
                if (s == null) continue;
                long[] shape = DjlReflection.shape(e.getValue());
                long length = shape == null || shape.length == 0 ? -1 : shape[shape.length - 1];
                // The sequence is the truth for the token count, as for TextGenerator's output.
                if (length >= 0) s.reconcile(m, length - s.inputLength);
                s.end(m, now, null, b.maxLength > 0 && length >= b.maxLength ? "length" : "stop");
                if (s.captured()) capture.tap().requestEnded(s.capture.id, s.outputTokens, null, s.capture.frames, Map.of());
            }
        }
        if (capture != null && capture.stepping()) stepRows(batcher); // the rows that left are gone from the batch
    }

    /** incrementForward threw: the batch's requests cannot finish, and end as errors. */
    private void failAll(Object scheduler, Throwable error) throws ReflectiveOperationException {
        Object batcher = DjlReflection.seqBatcherOf(scheduler);
        Batch b = batcher == null ? null : batches.remove(batcher);
        if (b == null) return;
        long now = System.nanoTime();
        List<BatchRow> all;
        synchronized (b) {
            all = new ArrayList<>(b.seqs.values());
            b.seqs.clear();
        }
        for (BatchRow s : all) {
            s.end(m, now, error, "error");
            if (s.captured()) capture.tap().requestEnded(s.capture.id, s.outputTokens, error, s.capture.frames, Map.of());
        }
    }
}
