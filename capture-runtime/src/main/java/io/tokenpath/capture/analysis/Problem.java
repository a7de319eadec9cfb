package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.read.Frame;

/**
 * One thing wrong with a stream, tied to where it is: the offset of the frame at fault (or of the position in the
 * file the problem is about; -1 when it concerns the stream as a whole), the frame's name when there is one, and
 * what was wrong.
 */
public record Problem(long offset, String frameName, String message) {

    /**
     * A frame whose data failed to decode. The reader wraps format errors to add the frame's name and offset
     * ("tensor 'x': CRC32C mismatch ... (at byte offset N)"); both are fields here, so the innermost format error's
     * own words are the message.
     */
    static Problem of(Frame f, StreamFormatException e) {
        StreamFormatException inner = e;
        while (inner.getCause() instanceof StreamFormatException c) inner = c;
        return new Problem(e.offset() >= 0 ? e.offset() : f.offset(), f.name(), inner.reason());
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
