package io.tokenpath.agent.impl.tap;

import io.tokenpath.agent.impl.AgentLog;
import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The activation tap: DJL block outputs into a capture-runtime stream, each tensor stamped with its request and
 * token step, plus the tokens themselves. Runs on the application thread inside the block's forward, so the copy
 * into the capture ring happens before DJL frees the tensor; everything after (compression, writing) is on the
 * capture's own threads, bounded by its memory budget and policy.
 */
public final class ActivationTap {
    private final AgentLog log;
    private final BlockPaths paths = new BlockPaths();
    private final Map<Class<?>, NdArrayAccess> accessors = new ConcurrentHashMap<>();
    private volatile ActivationCapture capture;
    private volatile TapSampling sampling = TapSampling.ALL;
    private volatile TokenTexts texts;

    public ActivationTap(AgentLog log) {
        this.log = log;
    }

    /**
     * Starts capturing into the stream {@code cfg} describes (any running capture is closed first); with a
     * {@code vocabulary}, token frames carry their text.
     */
    public synchronized void start(CaptureConfig cfg, TapSampling sampling,
            io.tokenpath.capture.text.TokenizerVocabulary vocabulary) throws IOException {
        stop();
        requestsLeft.set(-1);
        this.sampling = sampling;
        this.texts = vocabulary == null ? null : new TokenTexts(vocabulary);
        this.capture = ActivationCapture.open(cfg, log::info);
        TokenTexts t = texts;
        log.info("activation capture started: " + cfg.output() + " (" + cfg.describe().get("encoding") + ", lz4 "
                + io.tokenpath.capture.codec.Lz4Compressor.implementation() + ", " + cfg.selector() + ", " + sampling
                + (t == null ? ", token ids without text" : ", token text from " + t.describe()) + ")");
    }

    private final java.util.concurrent.atomic.AtomicInteger requestsLeft = new java.util.concurrent.atomic.AtomicInteger(-1);

    /** Closes the capture once {@code n} more captured requests have ended. */
    public void stopAfterRequests(int n) {
        if (n < 1) throw new IllegalArgumentException("requests: must be >= 1");
        requestsLeft.set(n);
    }

    /**
     * A captured request starts: its {@code __request} start event ({@code extra}: more key/value pairs, such as a
     * batched request's {@code batch_uid}).
     */
    public void requestStarted(long requestId, String model, String client, String search, long inputTokens, Object... extra) {
        Map<String, Object> event = Json.map("event", "start", "request_id", requestId, "model", model == null ? "unknown" : model,
                "client", client, "search", search, "input_tokens", inputTokens);
        event.putAll(Json.map(extra));
        onRequestEvent(event);
    }

    /**
     * A captured request ended ({@code error}: null on success): its {@code __request} end event ({@code extra}: more
     * fields, such as beam search's output ids), and one request less for a capture of the next N requests.
     */
    public void requestEnded(long requestId, long outputTokens, Throwable error, long capturedFrames, Map<String, Object> extra) {
        Map<String, Object> event = Json.map("event", "end", "request_id", requestId, "output_tokens", outputTokens,
                "outcome", error == null ? "success" : "error", "captured_frames", capturedFrames);
        event.putAll(extra);
        onRequestEvent(event);
        capturedRequestEnded();
    }

    /** A captured request ended (on the application's thread: the close runs on a thread of its own). */
    private void capturedRequestEnded() {
        if (requestsLeft.get() > 0 && requestsLeft.decrementAndGet() == 0) {
            ActivationCapture started = capture;
            Thread t = new Thread(() -> {
                synchronized (this) {
                    if (capture == started) stop();
                }
            }, "tokenpath-capture-close");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Closes the capture running now after {@code seconds} (not one started later). */
    public void stopAfter(long seconds) {
        ActivationCapture started = capture;
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (capture == started) stop();
            }
        }, "tokenpath-capture-timer");
        t.setDaemon(true);
        t.start();
    }

    /** Closes the running capture: drains, ends the stream, writes the token sidecar. */
    public synchronized void stop() {
        ActivationCapture c = capture;
        if (c == null) return;
        capture = null;
        try {
            c.close();
            log.info("activation capture closed: " + c.config().output() + ", " + c.stats().tensorsWritten()
                    + " tensors, " + c.stats().tokensWritten() + " tokens, dropped " + c.stats().droppedTotal());
        } catch (IOException e) {
            log.error("closing the activation capture", e);
        }
    }

    public ActivationCapture current() {
        return capture;
    }

    public boolean active() {
        return capture != null;
    }

    public TapSampling sampling() {
        return sampling;
    }

    /** A Predictor is about to run its block: learn the block tree's names (once per root). */
    public void onModelCall(Object rootBlock) throws ReflectiveOperationException {
        if (capture != null) paths.register(rootBlock);
    }

    /** A block's output, on the generation thread of request {@code requestId} at {@code step}. */
    public int onBlockOutput(Object block, Object ndList, long requestId, int step) throws ReflectiveOperationException {
        return onBlockOutputRows(block, ndList, new long[] {requestId}, new int[] {step}, null)[0];
    }

    /**
     * A block's output computed for several requests at once (the rows of a continuous batch): dimension 0 of each
     * array is split into {@code requestIds.length} equal groups, in order, and group {@code g} is captured for
     * request {@code requestIds[g]} at {@code steps[g]} where {@code take} is null or {@code take[g]}. An array
     * whose first dimension does not split so is not captured (counted as unsupported). Returns the frames written
     * for each group.
     */
    public int[] onBlockOutputRows(Object block, Object ndList, long[] requestIds, int[] steps, boolean[] take)
            throws ReflectiveOperationException {
        int groups = requestIds.length;
        int[] frames = new int[groups];
        ActivationCapture c = capture;
        if (c == null || ndList == null) return frames;
        BlockPaths.Entry named = paths.find(block);
        if (named == null) return frames; // not under a model run by a Predictor (e.g. a loss block in training)
        BlockPaths.Selection selection = named.selection;
        if (selection == null || selection.capture() != c) {
            selection = new BlockPaths.Selection(c, c.selects(named.path, block.getClass().getName()));
            named.selection = selection; // decided once per block and capture
        }
        if (!selection.selected()) return frames;
        String path = named.path;
        int i = 0;
        boolean all = sampling.allOutputs();
        for (Object array : (Iterable<?>) ndList) {
            if (i > 0 && !all) break;
            String name = i == 0 ? path : path + "#" + i;
            i++;
            NdArrayAccess access = accessors.computeIfAbsent(array.getClass(), k -> NdArrayAccess.of(k, log::info));
            long handle = access.handle(array);
            DType dtype = access.dtype(array, handle);
            long[] shape = access.shape(array, handle);
            if (dtype == null || (groups > 1 && (shape.length == 0 || shape[0] % groups != 0))) {
                c.countUnsupported();
                continue;
            }
            ByteBuffer bytes = access.bytes(array, handle); // a view: copied below, before DJL frees it
            if (groups == 1) {
                if ((take == null || take[0]) && c.captureTensor(name, dtype, shape, requestIds[0], steps[0], bytes)) frames[0]++;
                continue;
            }
            long[] part = shape.clone();
            part[0] = shape[0] / groups;
            int len = bytes.remaining() / groups;
            for (int g = 0; g < groups; g++) {
                if (take != null && !take[g]) continue;
                ByteBuffer rows = bytes.duplicate();
                rows.position(bytes.position() + g * len).limit(bytes.position() + (g + 1) * len);
                if (c.captureTensor(name, dtype, part, requestIds[g], steps[g], rows.slice().order(bytes.order()))) frames[g]++;
            }
        }
        return frames;
    }

    public void onToken(long requestId, int step, long tokenId, boolean last) {
        ActivationCapture c = capture;
        if (c == null) return;
        TokenTexts t = texts;
        c.recordToken(requestId, step, (int) tokenId, t == null ? "" : t.text(requestId, tokenId), last);
    }

    private void onRequestEvent(Map<String, Object> fields) {
        ActivationCapture c = capture;
        if (c != null) c.recordRequestEvent(fields);
    }
}
