package io.tokenpath.agent.bootstrap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Carries a request's context across a hand-written hand-off: an element put into a BlockingQueue while a request
 * is being served (a job, usually) takes the context along, and the thread that takes that element out gets it.
 * This is how inference servers queue work (a bounded queue in front of model workers), so client attribution,
 * queue time and the waiting count work without code changes.
 *
 * <p>Elements are held weakly and compared by equals (jobs are usually identity objects); an element that leaves
 * the queue by another route (remove, drainTo, clear) is forgotten when it is collected.
 */
public final class Handoff {
    /** A queued element's request, and whether it counts as a waiting request (see {@link #enqueuing}). */
    private static final class Pending {
        final RequestContext ctx;
        final boolean waiting;

        Pending(RequestContext ctx, boolean waiting) {
            this.ctx = ctx;
            this.waiting = waiting;
        }
    }

    private static final Map<Object, Pending> PENDING = Collections.synchronizedMap(new WeakHashMap<>());
    private static final ThreadLocal<RequestContext> ADOPTED = new ThreadLocal<>();
    private static volatile int pending;

    private Handoff() {}

    /**
     * Before an offer/put/add: remember the current request's context for this element. Registered before the
     * element is in the queue, because a waiting consumer can take it out before the offer even returns.
     *
     * <p>Only an element queued by a thread that did not itself take the request from a queue is a waiting
     * request: what a worker queues while serving a request it took (its tokens, events or streamed chunks for the
     * HTTP thread) carries the context along but is a result, not a request waiting for a worker.
     *
     * @return true if registered (the caller must {@link #cancel} it if the element does not go in)
     */
    public static boolean enqueuing(Object element) {
        RequestContext ctx = RequestContext.current();
        if (ctx == null || element == null || element instanceof ContextTask) return false;
        PENDING.put(element, new Pending(ctx, ADOPTED.get() != ctx));
        pending = PENDING.size();
        return true;
    }

    /** The offer failed (queue full) or threw: the element never entered the queue. */
    public static void cancel(Object element) {
        PENDING.remove(element);
        pending = PENDING.size();
    }

    /** After take/poll returned {@code element}: adopt its context on this thread (until the request finishes). */
    public static void dequeued(Object element) {
        if (element == null || pending == 0) return;
        Pending p = PENDING.remove(element);
        pending = PENDING.size();
        if (p == null) return;
        RequestContext.swap(p.ctx);
        ADOPTED.set(p.ctx);
    }

    /** The generation on this thread finished: drop a context adopted from a queue. */
    public static void requestFinished() {
        RequestContext adopted = ADOPTED.get();
        if (adopted != null) {
            ADOPTED.remove();
            if (RequestContext.current() == adopted) RequestContext.swap(null);
        }
    }

    /** Requests queued from the thread that received them and not taken out yet: the waiting requests. */
    public static int pending() {
        if (pending == 0) return 0;
        int n = 0;
        synchronized (PENDING) {
            for (Pending p : PENDING.values()) if (p.waiting) n++;
        }
        return n;
    }
}
