package io.tokenpath.capture.read;

import io.tokenpath.capture.format.StreamFormat;

/** What a frame is, from its name. */
public enum FrameKind {
    HEADER, TENSOR, TOKEN, DROPS, RESUME, REQUEST, END,
    /** A reserved name this reader does not know (a later format revision): skipped, reported by verify. */
    UNKNOWN_RESERVED;

    public static FrameKind of(String name) {
        if (!StreamFormat.isReserved(name)) return TENSOR;
        switch (name) {
            case StreamFormat.HEADER_FRAME: return HEADER;
            case StreamFormat.TOKEN_FRAME: return TOKEN;
            case StreamFormat.DROPS_FRAME: return DROPS;
            case StreamFormat.RESUME_FRAME: return RESUME;
            case StreamFormat.REQUEST_FRAME: return REQUEST;
            case StreamFormat.END_FRAME: return END;
            default: return UNKNOWN_RESERVED;
        }
    }
}
