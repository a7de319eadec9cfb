package io.tokenpath.capture.read;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file memory-mapped in windows of at most 1 GiB (a MappedByteBuffer is int-indexed); reads that cross a window
 * boundary are stitched. The OS pages data in on demand, so iteration over a large file touches only what is read.
 */
final class MappedFrameSource implements FrameSource {
    private static final long WINDOW = 1L << 30;
    private final MappedByteBuffer[] windows;
    private final long size;

    MappedFrameSource(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            size = ch.size();
            int n = (int) ((size + WINDOW - 1) / WINDOW);
            windows = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = i * WINDOW;
                windows[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW, size - start));
            }
        }
    }

    @Override
    public long size() { return size; }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        long pos = offset;
        int done = 0;
        while (done < len) {
            int w = (int) (pos / WINDOW);
            int inWin = (int) (pos - w * WINDOW);
            int n = Math.min(len - done, windows[w].capacity() - inWin);
            windows[w].get(inWin, dst, dstOff + done, n);
            pos += n;
            done += n;
        }
    }

    @Override
    public void close() {
        // Mappings are released by the GC; nothing is held open.
    }
}
