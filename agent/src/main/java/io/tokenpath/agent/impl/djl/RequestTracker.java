package io.tokenpath.agent.impl.djl;

import io.opentelemetry.api.common.Attributes;
import io.tokenpath.agent.bootstrap.Hooks;
import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.AgentLog;
import io.tokenpath.agent.impl.attribution.ClientAttribution;
import io.tokenpath.agent.impl.metrics.TokenMetrics;

/**
 * Turns woven events into the token-path timeline of each request and records the metrics on the application's
 * thread. A request lives on the thread that runs its generation (TextGenerator runs a request on one thread);
 * nested generation calls on that thread are part of the outer request. Every method catches everything: a hook
 * failure is counted and logged, never thrown into the application.
 */
public final class RequestTracker implements Hooks {
    private static final double NANOS = 1e9;

    private final TokenMetrics m;
    private final RequestLabels.Cache labels;
    private final BatchTracker batches;
    private final AgentLog log;
    private final ThreadLocal<Timeline> current = new ThreadLocal<>();
    private final java.util.concurrent.atomic.AtomicLong executorWaiting = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadLocal<long[]> innerModelNanos = ThreadLocal.withInitial(() -> new long[1]);

    private final ClientAttribution attribution;
    private final io.tokenpath.agent.impl.tap.ActivationTap tap;
    private final java.util.concurrent.atomic.AtomicLong requestSeq = new java.util.concurrent.atomic.AtomicLong();
    private final ModelCallCapture calls;
    private final StreamTracker streams;

    public RequestTracker(TokenMetrics metrics, ClientAttribution attribution, String provider, AgentLog log) {
        this(metrics, attribution, provider, log, null);
    }

    public RequestTracker(TokenMetrics metrics, ClientAttribution attribution, String provider, AgentLog log,
            io.tokenpath.agent.impl.tap.ActivationTap tap) {
        this.m = metrics;
        this.attribution = attribution;
        this.tap = tap;
        this.calls = tap == null ? null : new ModelCallCapture(tap, requestSeq::incrementAndGet, attribution);
        this.labels = new RequestLabels.Cache(provider);
        this.batches = new BatchTracker(metrics, labels, attribution,
                tap == null ? null : new BatchCapture(tap, requestSeq::incrementAndGet));
        this.streams = new StreamTracker(metrics, attribution, provider);
        this.log = log;
    }

    /** One request on its generation thread. */
    private static final class Timeline extends TokenTimeline {
        final long batch;
        final long inputTokens;
        final Object generator;
        final boolean firstTokenFromModelCall;
        final long requestId;
        final boolean captured;
        int capturedFrames;
        int depth;

        Timeline(long start, long origin, RequestLabels labels, long batch, long inputTokens, long inputLength, Object generator,
                boolean firstTokenFromModelCall, long requestId, boolean captured) {
            super(start, origin, labels, inputLength);
            this.requestId = requestId;
            this.captured = captured;
            this.batch = batch;
            this.inputTokens = inputTokens;
            this.generator = generator;
            this.firstTokenFromModelCall = firstTokenFromModelCall;
        }
    }

    @Override
    public long requestStart(Object generator, Object input, String method) {
        return start(generator, null, input, method);
    }

    /** A request started through the public API: {@code model} labels it. */
    public long manualStart(String model) {
        return start(null, model, null, "api");
    }

    private long start(Object generator, String modelLabel, Object input, String method) {
        try {
            Timeline t = current.get();
            if (t != null) {
                t.depth++;
                return 0;
            }
            long now = System.nanoTime();
            RequestContext ctx = RequestContext.current();
            long[] shape = DjlReflection.shape(input);
            long batch = shape != null && shape.length > 1 ? shape[0] : 1;
            long length = shape == null || shape.length == 0 ? 0 : shape[shape.length - 1];
            String search = RequestLabels.searchName(method);
            RequestLabels l = labels.get(modelLabel != null ? modelLabel : modelName(generator), ctx == null ? "text_completion" : ctx.operation,
                    attribution.client(ctx), search);
            long origin = ctx == null ? now : Math.min(ctx.arrivalNanos, now);
            // Measured on DJL 0.35.1: beam search takes its first token from the prefill call (no step call);
            // greedy and contrastive call their step function once per token, the first included.
            long id = requestSeq.incrementAndGet();
            boolean captured = tap != null && tap.active() && tap.sampling().requestSelected(id);
            t = new Timeline(now, origin, l, batch, batch * length, length, generator, search.equals("beam"), id, captured);
            current.set(t);
            if (captured) {
                tap.requestStarted(id, l.base.get(TokenMetrics.MODEL), l.base.get(TokenMetrics.CLIENT), search, t.inputTokens);
            }
            m.requestsRunning.add(1, l.running);
            if (ctx != null) m.queueTime.record((now - origin) / NANOS, l.base);
            if (t.inputTokens > 0) m.tokens.add(t.inputTokens, l.input);
            return 1;
        } catch (Throwable e) {
            failed("requestStart", e);
            return 0;
        }
    }

    @Override
    public void requestEnd(long handle, Object output, Throwable error) {
        try {
            Timeline t = current.get();
            if (t == null) return;
            if (handle == 0) {
                if (t.depth > 0) t.depth--;
                return;
            }
            current.remove();
            long now = System.nanoTime();
            reconcileOutputTokens(t, output);
            RequestLabels l = t.labels;
            t.end(m, now, error, error != null ? "error" : finishReason(t, output));
            if (t.captured) {
                java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
                if (error == null && "beam".equals(l.base.get(TokenMetrics.SEARCH))) {
                    java.util.List<long[]> rows = outputRows(t, output);
                    if (rows != null) extra.put("output_token_ids", rows);
                }
                tap.requestEnded(t.requestId, t.outputTokens, error, t.capturedFrames, extra);
            }
            io.tokenpath.agent.bootstrap.Handoff.requestFinished();
        } catch (Throwable e) {
            failed("requestEnd", e);
        }
    }

    /**
     * The output's sequence length is the truth for token counts: if a search produced tokens without a hooked
     * step (a future DJL search, say), count the difference so the token counters stay exact.
     */
    private void reconcileOutputTokens(Timeline t, Object output) throws ReflectiveOperationException {
        long[] shape = DjlReflection.shape(output);
        if (shape == null || shape.length < 2 || t.inputLength == 0) return;
        t.reconcile(m, (shape[shape.length - 1] - t.inputLength) * t.batch);
    }

    /**
     * The new tokens of every row the search returned (beam search: one row per beam of each input, in DJL's order;
     * DJL gives no scores, so which row is the answer is the application's choice), or null.
     */
    private static java.util.List<long[]> outputRows(Timeline t, Object output) throws ReflectiveOperationException {
        long[] shape = DjlReflection.shape(output);
        long[] ids = DjlReflection.longs(output);
        if (shape == null || shape.length != 2 || ids == null || t.inputLength >= shape[1]) return null;
        int width = (int) shape[1];
        java.util.List<long[]> rows = new java.util.ArrayList<>();
        for (int r = 0; r < shape[0]; r++) {
            rows.add(java.util.Arrays.copyOfRange(ids, r * width + (int) t.inputLength, (r + 1) * width));
        }
        return rows;
    }

    private String finishReason(Timeline t, Object output) throws ReflectiveOperationException {
        if (t.generator == null) return "stop";
        int max = DjlReflection.maxSeqLength(t.generator);
        long[] shape = DjlReflection.shape(output);
        if (max > 0 && shape != null && shape.length >= 2 && shape[shape.length - 1] >= max) return "length";
        return "stop";
    }

    @Override
    public void token(Object tokens) {
        try {
            Timeline t = current.get();
            if (t == null) return;
            if (t.captured) recordTokens(t, tokens);
            tokenAt(t, System.nanoTime());
        } catch (Throwable e) {
            failed("token", e);
        }
    }

    /**
     * Token frames for the tap: one per sequence of the batch, at the step the tokens belong to. Greedy steps return
     * the ids; contrastive steps an NDList whose first array is the ids ([batch, 1]). Beam steps return the beams'
     * candidates, which are re-ranked until the search ends: no step knows the final token, so beam frames carry -1
     * and the request's end event carries the ids DJL returned.
     */
    private void recordTokens(Timeline t, Object tokens) throws ReflectiveOperationException {
        String search = t.labels.base.get(TokenMetrics.SEARCH);
        if ("beam".equals(search)) {
            tokens = null;
        } else if ("contrastive".equals(search) && tokens instanceof java.util.List) { // NDList is an ArrayList
            java.util.List<?> list = (java.util.List<?>) tokens;
            tokens = list.isEmpty() ? null : list.get(0);
        }
        long[] ids = tokens instanceof Number ? new long[] {((Number) tokens).longValue()} : DjlReflection.longs(tokens);
        int step = (int) t.steps;
        if (ids == null) {
            tap.onToken(t.requestId, step, -1, false); // the token exists, its id is not visible at this point
            return;
        }
        for (long id : ids) tap.onToken(t.requestId, step, id, false);
    }

    private void tokenAt(Timeline t, long now) {
        t.token(m, now, t.batch);
        m.batchSize.record(t.batch, t.labels.base);
    }

    @Override
    public long modelCallStart(Object predictor, boolean inner) {
        if (!inner) {
            innerModelNanos.get()[0] = 0;
            if (tap != null && tap.active()) {
                try {
                    tap.onModelCall(DjlReflection.blockOf(predictor));
                    // A continuous-batching step serves several requests at once: not one capture request.
                    if (current.get() == null && !batches.inScheduler()) calls.enter(predictor);
                } catch (Throwable e) {
                    failed("tap model call", e);
                }
            }
        }
        return System.nanoTime();
    }

    @Override
    public void streamCreated(Object stream) {
        try {
            streams.created(stream);
        } catch (Throwable e) {
            failed("streamCreated", e);
        }
    }

    @Override
    public void streamChunk(Object stream, boolean last) {
        try {
            streams.chunk(stream, last);
        } catch (Throwable e) {
            failed("streamChunk", e);
        }
    }

    @Override
    public void modelLoaded(Object model, long nanos, Throwable error) {
        try {
            String name = DjlReflection.modelNameOfModel(model);
            Attributes a = Attributes.of(TokenMetrics.MODEL, name == null ? "unknown" : name);
            if (error != null) a = a.toBuilder().put(TokenMetrics.ERROR_TYPE, error.getClass().getName()).build();
            m.modelLoadDuration.record(nanos / NANOS, a);
        } catch (Throwable e) {
            failed("modelLoaded", e);
        }
    }

    @Override
    public void blockOutput(Object block, Object output) {
        if (tap == null || !tap.active()) return;
        try {
            Timeline t = current.get();
            io.tokenpath.agent.impl.tap.TapSampling s = tap.sampling();
            if (t == null && batches.inScheduler()) {
                batches.blockOutput(block, output); // rows of several requests: split by the batch's order
                return;
            }
            if (t == null) {
                // Outside a generation: the model call is the request, and its one step is 0.
                ModelCallCapture.Call c = calls.current();
                if (c == null || !c.captured || !s.stepSelected(0) || c.frames >= s.maxFramesPerRequest()) return;
                c.frames += tap.onBlockOutput(block, output, c.requestId, 0);
                return;
            }
            if (!t.captured) return;
            int step = (int) t.steps;
            if (!s.stepSelected(step) || t.capturedFrames >= s.maxFramesPerRequest()) return;
            t.capturedFrames += tap.onBlockOutput(block, output, t.requestId, step);
        } catch (Throwable e) {
            failed("activation tap", e);
        }
    }

    @Override
    public long batchCallStart(Object scheduler, Object batchUids) {
        long start = batches.callStart();
        try {
            batches.captureCallStart(scheduler, batchUids);
        } catch (Throwable e) {
            failed("batch capture", e);
        }
        return start;
    }

    @Override
    public void batchCallEnd(long start, Object scheduler, boolean join, Object inputIds, Object batchUids, Throwable error) {
        try {
            batches.callEnd(start, scheduler, join, inputIds, batchUids, error);
        } catch (Throwable e) {
            failed(join ? "batch join" : "batch forward", e);
        }
    }

    @Override
    public void batchStep(Object seqBatcher, Object outputIds, long maxLength) {
        try {
            batches.step(seqBatcher, outputIds, maxLength);
        } catch (Throwable e) {
            failed("batch step", e);
        }
    }

    @Override
    public void batchLeave(Object seqBatcher, Object finished) {
        try {
            batches.leave(seqBatcher, finished);
        } catch (Throwable e) {
            failed("batch leave", e);
        }
    }

    @Override
    public void modelCallEnd(long start, boolean inner, Throwable error) {
        try {
            long now = System.nanoTime();
            long d = now - start;
            if (inner) {
                innerModelNanos.get()[0] += d;
                return;
            }
            if (calls != null) calls.exit(error);
            long model = innerModelNanos.get()[0];
            m.modelCallDuration.record(model / NANOS, TokenMetrics.MODEL_COMPONENT);
            m.modelCallDuration.record(Math.max(0, d - model) / NANOS, TokenMetrics.TRANSLATOR_COMPONENT);
            Timeline t = current.get();
            // Beam search emits its first token from the prefill call itself, with no step call.
            if (t != null && t.steps == 0 && t.firstTokenFromModelCall && error == null) {
                if (t.captured) recordTokens(t, null);
                tokenAt(t, now);
            }
        } catch (Throwable e) {
            failed("modelCallEnd", e);
        }
    }

    @Override
    public RequestContext httpRequest(Object exchange) {
        try {
            return attribution.httpRequest(exchange);
        } catch (Throwable e) {
            failed("httpRequest", e);
            return null;
        }
    }

    @Override
    public void taskQueued(RequestContext ctx) {
        executorWaiting.incrementAndGet();
    }

    @Override
    public void taskStarted(RequestContext ctx) {
        executorWaiting.decrementAndGet();
    }

    @Override
    public void taskRejected(RequestContext ctx) {
        executorWaiting.decrementAndGet();
    }

    /** Requests waiting now: tasks queued to executors plus jobs in blocking queues, both from request threads. */
    public long waiting() {
        return executorWaiting.get() + io.tokenpath.agent.bootstrap.Handoff.pending();
    }

    private volatile java.util.function.BiPredicate<String, Object[]> api = (m, a) -> false;

    /** The handler of the public API's calls (set once the agent has everything it needs). */
    public void setApi(java.util.function.BiPredicate<String, Object[]> handler) {
        this.api = handler;
    }

    @Override
    public boolean api(String method, Object[] args) {
        try {
            return api.test(method, args);
        } catch (Throwable e) {
            failed("api " + method, e);
            return false;
        }
    }

    @Override
    public void adviceFailed(Throwable t) {
        failed("advice", t);
    }

    /** Once per request (generators are often created per request, so caching by instance would only grow). */
    private String modelName(Object generator) {
        if (generator == null) return "unknown";
        try {
            String n = DjlReflection.modelName(generator);
            return n == null || n.isBlank() ? "unknown" : n;
        } catch (ReflectiveOperationException | RuntimeException e) {
            failed("modelName", e);
            return "unknown";
        }
    }

    private void failed(String where, Throwable e) {
        m.instrumentationErrors.add(1);
        log.error("hook " + where, e);
    }
}
