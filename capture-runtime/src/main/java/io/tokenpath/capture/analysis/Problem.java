package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.read.Frame;

/**
 * One thing wrong with a stream, tied to where it is: the offset of the frame at fault (or of the position in the
 * file the problem is about; -1 when it concerns the stream as a whole), the frame's name when there is one, and
 * what was wrong.
 */
public record Problem(long offset, String frameName, String message) {

    /** A frame whose data failed to decode; the exception's offset suffix is dropped (the offset is a field). */
    static Problem of(Frame f, StreamFormatException e) {
        return new Problem(e.offset() >= 0 ? e.offset() : f.offset(), f.name(), e.reason());
    }

    static Problem of(Frame f, String message) {
        return new Problem(f.offset(), f.name(), message);
    }

    @Override
    public String toString() {
        String where = offset >= 0 ? "offset " + offset : "stream";
        return where + (frameName == null ? "" : " (frame '" + frameName + "')") + ": " + message;
    }
}
