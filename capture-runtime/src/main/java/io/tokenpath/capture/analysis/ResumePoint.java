package io.tokenpath.capture.analysis;

/**
 * A {@code __resume} frame: a capture crashed and was continued. {@code frameOffset} is where the frame sits,
 * {@code resumedAt} the offset the file was truncated to before appending (normally the same), and
 * {@code truncatedBytes} how many bytes of the torn tail were cut then.
 */
public record ResumePoint(long frameOffset, long resumedAt, long truncatedBytes, boolean fromCheckpoint) {}
