package io.tokenpath.capture.format;

/**
 * A stream that does not follow format v1. Carries the byte offset of the frame (or field) at fault when known, so
 * that "what was wrong, and where" reaches the user in one line.
 */
public class StreamFormatException extends java.io.IOException {
    private final long offset;
    private final String reason;

    public StreamFormatException(String message) {
        this(message, -1, null);
    }

    public StreamFormatException(String message, long offset) {
        this(message, offset, null);
    }

    public StreamFormatException(String message, long offset, Throwable cause) {
        super(offset >= 0 ? message + " (at byte offset " + offset + ")" : message, cause);
        this.offset = offset;
        this.reason = message;
    }

    /** Byte offset in the stream of the frame at fault, or -1 when the error is not tied to a position. */
    public long offset() { return offset; }

    /** What was wrong, without the offset suffix: for reports that print the offset in a column of their own. */
    public String reason() { return reason; }
}
