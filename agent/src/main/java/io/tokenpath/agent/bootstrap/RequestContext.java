package io.tokenpath.agent.bootstrap;

/**
 * Who asked and when the request arrived, carried from the thread that received the HTTP request to the thread
 * that runs the model (through {@link ContextTask}). Immutable; one per request.
 */
public final class RequestContext {
    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

    /** Bounded client label (already capped to top-N by the agent). */
    public final String client;
    /** System.nanoTime() when the request arrived. */
    public final long arrivalNanos;
    /** gen_ai.operation.name: chat or text_completion, from the request path. */
    public final String operation;

    public RequestContext(String client, long arrivalNanos, String operation) {
        this.client = client;
        this.arrivalNanos = arrivalNanos;
        this.operation = operation;
    }

    public static RequestContext current() {
        return CURRENT.get();
    }

    /** Makes {@code ctx} current; returns the previous one to restore. */
    public static RequestContext swap(RequestContext ctx) {
        RequestContext prev = CURRENT.get();
        if (ctx == null) CURRENT.remove();
        else CURRENT.set(ctx);
        return prev;
    }
}
