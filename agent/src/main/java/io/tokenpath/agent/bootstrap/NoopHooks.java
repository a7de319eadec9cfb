package io.tokenpath.agent.bootstrap;

/** Hooks that do nothing: the state before the agent starts, and after it stops. */
public final class NoopHooks implements Hooks {
    public static final NoopHooks INSTANCE = new NoopHooks();

    private NoopHooks() {}

    @Override public long requestStart(Object generator, Object input, String method) { return 0; }
    @Override public void requestEnd(long handle, Object output, Throwable error) {}
    @Override public void token(Object tokens) {}
    @Override public long modelCallStart(Object predictor, boolean inner) { return 0; }
    @Override public void modelCallEnd(long handle, boolean inner, Throwable error) {}
    @Override public RequestContext httpRequest(Object exchange) { return null; }
    @Override public void taskQueued(RequestContext ctx) {}
    @Override public void taskStarted(RequestContext ctx) {}
    @Override public void taskRejected(RequestContext ctx) {}
    @Override public long batchCallStart(Object scheduler, Object batchUids) { return 0; }
    @Override public void batchCallEnd(long start, Object scheduler, boolean join, Object inputIds, Object batchUids, Throwable error) {}
    @Override public void batchStep(Object seqBatcher, Object outputIds, long maxLength) {}
    @Override public void batchLeave(Object seqBatcher, Object finished) {}
    @Override public void blockOutput(Object block, Object output) {}
    @Override public void streamCreated(Object stream) {}
    @Override public void streamChunk(Object stream, boolean last) {}
    @Override public void modelLoaded(Object model, long nanos, Throwable error) {}
    @Override public boolean api(String method, Object[] args) { return false; }
    @Override public void adviceFailed(Throwable t) {}
}
