package io.tokenpath.capture.analysis;

/**
 * One request id seen in a stream (-1 collects frames not tied to a request): its token frames, its tensor frames
 * and their bytes, the step range covered, and whether its last token was recorded.
 */
public final class RequestSummary {
    private final long id;
    private long tokens;
    private long tensorFrames;
    private long tensorBytes;
    private int firstStep = Integer.MAX_VALUE;
    private int lastStep = Integer.MIN_VALUE;
    private boolean finished;

    RequestSummary(long id) {
        this.id = id;
    }

    void addToken(int step, boolean last) {
        tokens++;
        steps(step);
        finished |= last;
    }

    void addTensor(int step, long frameBytes) {
        tensorFrames++;
        tensorBytes += frameBytes;
        steps(step);
    }

    private void steps(int step) {
        firstStep = Math.min(firstStep, step);
        lastStep = Math.max(lastStep, step);
    }

    public long id() { return id; }
    public long tokens() { return tokens; }
    public long tensorFrames() { return tensorFrames; }
    public long tensorBytes() { return tensorBytes; }
    public int firstStep() { return firstStep; }
    public int lastStep() { return lastStep; }
    /** True when a token frame of this request carries the "last token" flag. */
    public boolean finished() { return finished; }
}
