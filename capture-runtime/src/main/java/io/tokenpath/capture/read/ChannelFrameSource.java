package io.tokenpath.capture.read;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positioned reads through a FileChannel: constant memory, any file size. */
final class ChannelFrameSource implements FrameSource {
    private final FileChannel ch;
    private final long size;

    ChannelFrameSource(Path p) throws IOException {
        ch = FileChannel.open(p, StandardOpenOption.READ);
        size = ch.size();
    }

    @Override
    public long size() { return size; }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, dstOff, len);
        long pos = offset;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new EOFException("stream ended at " + pos + " while reading " + len + " bytes at " + offset);
            pos += n;
        }
    }

    @Override
    public void close() throws IOException { ch.close(); }
}
