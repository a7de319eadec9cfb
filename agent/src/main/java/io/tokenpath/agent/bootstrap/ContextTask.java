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
        Bridge.hooks().taskQueued(context);
    }

    /** Wraps {@code task} when a request context is current (and it is not wrapped already). */
    public static Runnable wrapIfInRequest(Runnable task) {
        RequestContext ctx = RequestContext.current();
        if (ctx == null || task == null || task instanceof ContextTask) return task;
        return new ContextTask(task, ctx);
    }

    /** Called when the executor refused this task. */
    public void rejected() {
        Bridge.hooks().taskRejected(context);
    }

    @Override
    public void run() {
        RequestContext prev = RequestContext.swap(context);
        try {
            Bridge.hooks().taskStarted(context);
            delegate.run();
        } finally {
            RequestContext.swap(prev);
        }
    }
}
