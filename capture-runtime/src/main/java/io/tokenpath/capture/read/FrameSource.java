package io.tokenpath.capture.read;

import java.io.IOException;

/** Random-access bytes of a stream file: a positioned channel (streamed) or a memory map. */
interface FrameSource extends AutoCloseable {
    long size();

    /** Reads exactly {@code len} bytes at {@code offset}; the caller has checked the range against {@link #size()}. */
    void read(long offset, byte[] dst, int dstOff, int len) throws IOException;

    @Override
    void close() throws IOException;
}
