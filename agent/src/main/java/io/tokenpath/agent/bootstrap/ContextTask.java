package io.tokenpath.agent.bootstrap;

/**
 * A task queued by a thread that was serving a request: runs the original task with that request's context
 * current, so the worker's generation is attributed to the right client and its queue time is known. Counting
 * queued-but-not-started tasks gives the number of waiting requests.
 */
public final class ContextTask implements Runnable {
    private final Runnable delegate;
    private final RequestContext context;

    public ContextTask(Runnable delegate, RequestContext context) {
        this.delegate = delegate;
        this.context = context;
        try {
            Bridge.hooks().taskQueued(context);
        } catch (Throwable t) {
            Bridge.suppressed(t);
        }
    }

    /** Wraps {@code task} when a request context is current (and it is not wrapped already). */
    public static Runnable wrapIfInRequest(Runnable task) {
        RequestContext ctx = RequestContext.current();
        if (ctx == null || task == null || task instanceof ContextTask) return task;
        return new ContextTask(task, ctx);
    }

    /** Called when the executor refused this task. */
    public void rejected() {
        try {
            Bridge.hooks().taskRejected(context);
        } catch (Throwable t) {
            Bridge.suppressed(t);
        }
    }

    @Override
    public void run() {
        RequestContext prev = RequestContext.swap(context);
        try {
            try {
                Bridge.hooks().taskStarted(context);
            } catch (Throwable t) {
                Bridge.suppressed(t); // this runs in the application's worker: nothing of ours may escape
            }
            delegate.run();
        } finally {
            RequestContext.swap(prev);
        }
    }
}
