package io.tokenpath.capture.read;

/**
 * How a stream ends, as found by iteration. {@code CLEAN}: the last frame ends exactly at the end of the file.
 * {@code TORN}: the last frame is incomplete (a crash or a kill while writing); {@code offset} is where it starts,
 * the valid prefix ends there. {@code CORRUPT}: the framing itself is broken at {@code offset} (message says how);
 * nothing after it can be located.
 */
public record StreamEnd(Status status, long offset, long fileSize, String message) {
    public enum Status { CLEAN, TORN, CORRUPT }

    public boolean isClean() { return status == Status.CLEAN; }

    /** Bytes after the valid prefix. */
    public long trailingBytes() { return status == Status.CLEAN ? 0 : fileSize - offset; }

    @Override
    public String toString() {
        switch (status) {
            case CLEAN: return "clean end at " + offset;
            case TORN: return "torn tail at offset " + offset + " (" + trailingBytes() + " trailing bytes): " + message;
            default: return "corrupt framing at offset " + offset + ": " + message;
        }
    }
}
