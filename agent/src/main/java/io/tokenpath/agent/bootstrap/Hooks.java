package io.tokenpath.agent.bootstrap;

/**
 * What woven advice calls. Lives on the boot class path so that advice inlined into any class loader's classes can
 * reach it; the implementation lives in the agent's isolated loader. Arguments are plain Objects: the bridge must
 * not link against DJL, whose classes belong to the application's loader.
 */
public interface Hooks {
    /** A generation request starts ({@code method}: greedySearch, beamSearch, contrastiveSearch or a configured one). */
    long requestStart(Object generator, Object input, String method);

    void requestEnd(long handle, Object output, Throwable error);

    /** A decode step produced the next token(s) ({@code tokens}: DJL's next-token NDArray, or null if unknown). */
    void token(Object tokens);

    /** A model call ({@code Predictor.batchPredict}) starts / ends; {@code inner} marks {@code predictInternal}. */
    long modelCallStart(Object predictor, boolean inner);

    void modelCallEnd(long handle, boolean inner, Throwable error);

    /**
     * An HTTP exchange on the JDK server arrives: returns the request context (client identity, arrival time) to
     * make current on this thread, or null.
     */
    RequestContext httpRequest(Object exchange);

    /** A task carrying a request context was queued to an executor (the request now waits). */
    void taskQueued(RequestContext ctx);

    /** That task started on a worker thread (the request stops waiting). */
    void taskStarted(RequestContext ctx);

    /** That task was refused by the executor (a full queue): it never waits. */
    void taskRejected(RequestContext ctx);

    /**
     * A streamed response was created on this thread: DJL's {@code ChunkedBytesSupplier} or
     * {@code PublisherBytesSupplier}, what DJL Serving hands to its HTTP layer, whatever engine generates.
     */
    void streamCreated(Object stream);
    /** A chunk was appended to {@code stream} ({@code last}: its final chunk). */
    void streamChunk(Object stream, boolean last);
    /** A DJL model finished loading ({@code model}: the Model; {@code nanos}: how long; {@code error}: null on success). */
    void modelLoaded(Object model, long nanos, Throwable error);

    /**
     * Continuous batching: {@code SeqBatchScheduler.addRequest} or {@code incrementForward} starts on this thread
     * ({@code scheduler}: the SeqBatchScheduler; {@code batchUids}: addRequest's uids of the joining rows, null for
     * incrementForward). Returns the start time to hand back to the matching end.
     */
    long batchCallStart(Object scheduler, Object batchUids);

    /**
     * That call ended. For {@code addRequest} ({@code join}), {@code inputIds} and {@code batchUids} are its
     * arguments: each row joins the batch as one request, named by its uid; for {@code incrementForward} both
     * are null.
     */
    void batchCallEnd(long start, Object scheduler, boolean join, Object inputIds, Object batchUids, Throwable error);

    /**
     * One step of a batch: {@code SeqBatcher.exitCriteria(outputIds, maxLength, eos)}, which every scheduler calls
     * once per step with the token it chose for each row ({@code outputIds} [batch, 1], rows in the batcher's
     * uid order).
     */
    void batchStep(Object seqBatcher, Object outputIds, long maxLength);

    /** {@code SeqBatcher.collectAndTrim} returned {@code finished} (uid to its sequence): those requests leave. */
    void batchLeave(Object seqBatcher, Object finished);

    /** A DJL block's forward returned {@code output} (an NDList): the activation tap's input. */
    void blockOutput(Object block, Object output);

    /**
     * A call of the public API class {@code io.tokenpath.api.Tokenpath}: {@code method} is its name. Returns the
     * value a boolean method answers (ignored for void ones).
     */
    boolean api(String method, Object[] args);

    /** Woven advice itself threw (suppressed so the application never sees it): count it. */
    void adviceFailed(Throwable t);
}
