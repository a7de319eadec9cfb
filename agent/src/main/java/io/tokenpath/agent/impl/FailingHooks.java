package io.tokenpath.agent.impl;

import io.tokenpath.agent.bootstrap.Hooks;
import io.tokenpath.agent.bootstrap.RequestContext;

/**
 * Fault injection ({@code debug.fail_hooks=true}): every hook throws, as a bug inside the agent would. Used by the
 * tests that show such a failure never reaches the application; the throwables are still counted, through the
 * real hooks' {@code adviceFailed}. Never on unless asked for.
 */
final class FailingHooks implements Hooks {
    private final Hooks counting;

    FailingHooks(Hooks counting) {
        this.counting = counting;
    }

    private static IllegalStateException injected(String hook) {
        return new IllegalStateException("injected failure in hook " + hook + " (debug.fail_hooks=true)");
    }

    @Override public long requestStart(Object generator, Object input, String method) { throw injected("requestStart"); }
    @Override public void requestEnd(long handle, Object output, Throwable error) { throw injected("requestEnd"); }
    @Override public void token(Object tokens) { throw injected("token"); }
    @Override public long modelCallStart(Object predictor, boolean inner) { throw injected("modelCallStart"); }
    @Override public void modelCallEnd(long handle, boolean inner, Throwable error) { throw injected("modelCallEnd"); }
    @Override public RequestContext httpRequest(Object exchange) { throw injected("httpRequest"); }
    @Override public void taskQueued(RequestContext ctx) { throw injected("taskQueued"); }
    @Override public void taskStarted(RequestContext ctx) { throw injected("taskStarted"); }
    @Override public void taskRejected(RequestContext ctx) { throw injected("taskRejected"); }
    @Override public long batchCallStart(Object scheduler, Object batchUids) { throw injected("batchCallStart"); }
    @Override public void batchCallEnd(long start, Object scheduler, boolean join, Object inputIds, Object batchUids,
            Throwable error) { throw injected("batchCallEnd"); }
    @Override public void batchStep(Object seqBatcher, Object outputIds, long maxLength) { throw injected("batchStep"); }
    @Override public void batchLeave(Object seqBatcher, Object finished) { throw injected("batchLeave"); }
    @Override public void blockOutput(Object block, Object output) { throw injected("blockOutput"); }
    @Override public void streamCreated(Object stream) { throw injected("streamCreated"); }
    @Override public void streamChunk(Object stream, boolean last) { throw injected("streamChunk"); }
    @Override public void modelLoaded(Object model, long nanos, Throwable error) { throw injected("modelLoaded"); }
    @Override public boolean api(String method, Object[] args) { throw injected("api"); }
    @Override public void adviceFailed(Throwable t) { counting.adviceFailed(t); }
}
