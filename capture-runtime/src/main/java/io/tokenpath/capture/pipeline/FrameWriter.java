package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.format.StreamFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one writer thread: takes READY frames from the front of the ring in order and writes them with large
 * gathering writes straight from the ring's memory (no copy). Every {@code checkpoint_tokens} tokens, and on
 * {@link #requestFlush}, it fsyncs and replaces the checkpoint. When the drop counters change it writes a
 * {@code __drops} frame, so the file itself says what it is missing.
 *
 * <p>If a write fails (disk full, I/O error) the writer records the error, stops writing, and keeps draining the
 * ring, counting what it discards under {@code write_error}, so producers never hang on a dead writer. What was
 * fsynced stays valid; the checkpoint stays behind for a resume.
 */
final class FrameWriter implements Runnable {
    private static final int MAX_BATCH_FRAMES = 1024;
    private static final long IDLE_WAIT_NANOS = 50_000_000L;
    /** How long the writer lets frames gather after a short batch (see run). */
    static final long LINGER_NANOS = 2_000_000L;

    private final ActivationRing ring;
    private final CaptureStats stats;
    private final FileChannel channel;
    private final Path output;
    private final Path checkpointPath;
    private final int checkpointTokens;
    private final long batchBytes;
    private final Supplier<Map<String, Object>> endSummary;

    private long position;
    private long framesInFile;
    private long tokensInFile;
    private long tokensSinceCheckpoint;
    private long lastDropsWritten;
    private long lastDropsFrameNanos;
    /** Drops frames are rate-limited: under sustained dropping one every 100 ms says enough. */
    private static final long DROPS_FRAME_INTERVAL_NANOS = 100_000_000L;
    private volatile IOException failure;
    private final Object flushMonitor = new Object();
    private long flushRequested;
    private long flushCompleted;

    FrameWriter(ActivationRing ring, CaptureStats stats, FileChannel channel, long startPosition, long framesInFile,
            long tokensInFile, Path output, int checkpointTokens, long batchBytes, Supplier<Map<String, Object>> endSummary) {
        this.ring = ring;
        this.stats = stats;
        this.channel = channel;
        this.position = startPosition;
        this.framesInFile = framesInFile;
        this.tokensInFile = tokensInFile;
        this.output = output;
        this.checkpointPath = Checkpoint.pathFor(output);
        this.checkpointTokens = checkpointTokens;
        this.batchBytes = batchBytes;
        this.endSummary = endSummary;
    }

    IOException failure() { return failure; }

    long position() { return position; }

    @Override
    public void run() {
        RingSlot[] batch = new RingSlot[MAX_BATCH_FRAMES];
        ByteBuffer[] views = new ByteBuffer[MAX_BATCH_FRAMES];
        ring.allocateFirstSegment();
        try {
            while (true) {
                int n = ring.collectReady(batch, batchBytes, IDLE_WAIT_NANOS);
                if (n < 0) break;
                long bytes = 0;
                if (n > 0) {
                    bytes = writeBatch(batch, views, n);
                    ring.release(n);
                    for (int i = 0; i < n; i++) batch[i] = null;
                }
                afterBatch();
                // A short batch: let frames gather (the ring has room) rather than write a few at a time and have
                // every producer that completes the front frame wake this thread.
                if (n > 0 && bytes < batchBytes / 2 && n < MAX_BATCH_FRAMES && ring.mostlyFree() && !flushWanted()) {
                    LockSupport.parkNanos(LINGER_NANOS);
                }
            }
            if (failure == null) finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (flushMonitor) {
                flushCompleted = Long.MAX_VALUE;
                flushMonitor.notifyAll();
            }
        }
    }

    private boolean flushWanted() {
        synchronized (flushMonitor) {
            return flushRequested > flushCompleted;
        }
    }

    /** Writes the batch's frames; returns the bytes written (0 in discard mode after a failure). */
    private long writeBatch(RingSlot[] batch, ByteBuffer[] views, int n) {
        int v = 0;
        long bytes = 0;
        int tokens = 0;
        int tensors = 0;
        int events = 0;
        for (int i = 0; i < n; i++) {
            RingSlot s = batch[i];
            if (s.frameLength == 0) continue; // abandoned or failed to encode: already counted as a drop
            if (s.isToken) tokens++;
            else if (s.dtype != null) tensors++;
            else events++;
            if (failure != null) continue;
            views[v++] = s.buffer.slice(s.at, s.frameLength); // absolute: the shared segment is not changed
            bytes += s.frameLength;
        }
        if (failure != null) {
            // Discard mode: nothing reaches the file after a write error; every lost frame is counted.
            for (int i = 0; i < tensors + tokens + events; i++) stats.drop(DropReason.WRITE_ERROR);
            return 0;
        }
        try {
            long done = 0;
            int first = 0;
            while (done < bytes) {
                long w = channel.write(views, first, v - first);
                done += w;
                while (first < v && !views[first].hasRemaining()) first++;
                stats.writeCalls.increment();
            }
            position += bytes;
            framesInFile += v;
            tokensInFile += tokens;
            tokensSinceCheckpoint += tokens;
            stats.bytesWritten.add(bytes);
            stats.tensorsWritten.add(tensors);
            stats.tokensWritten.add(tokens);
            stats.eventsWritten.add(events);
            return bytes;
        } catch (IOException e) {
            fail(e);
            for (int i = 0; i < tensors + tokens + events; i++) stats.drop(DropReason.WRITE_ERROR);
            return 0;
        } finally {
            for (int i = 0; i < v; i++) views[i] = null;
        }
    }

    private void afterBatch() {
        if (failure != null) return;
        writeDropsIfChanged(false);
        boolean flushNow;
        synchronized (flushMonitor) {
            flushNow = flushRequested > flushCompleted;
        }
        if (flushNow || (checkpointTokens > 0 && tokensSinceCheckpoint >= checkpointTokens)) {
            checkpoint();
        }
    }

    private void writeDropsIfChanged(boolean force) {
        long drops = stats.totalDrops();
        long now = System.nanoTime();
        if (drops != lastDropsWritten && (force || now - lastDropsFrameNanos >= DROPS_FRAME_INTERVAL_NANOS)) {
            Map<String, Object> m = new LinkedHashMap<>();
            stats.snapshot(null).drops().forEach((r, c) -> { if (c > 0) m.put(r.label(), c); });
            m.put("timestamp_ns", EpochClock.nowNanos());
            writeDirect(Frames.json(StreamFormat.DROPS_FRAME, m));
            lastDropsWritten = drops;
            lastDropsFrameNanos = now;
        }
    }

    private void writeDirect(ByteBuffer b) {
        int len = b.remaining();
        try {
            while (b.hasRemaining()) channel.write(b);
        } catch (IOException e) {
            fail(e);
            return;
        }
        position += len;
        framesInFile++;
        stats.bytesWritten.add(len);
    }

    /** fsync, then replace the checkpoint with the now-durable offset. */
    private void checkpoint() {
        long target;
        synchronized (flushMonitor) {
            target = flushRequested;
        }
        try {
            channel.force(false);
            new Checkpoint(position, framesInFile, tokensInFile, EpochClock.nowNanos(), output.getFileName().toString())
                    .writeAtomically(checkpointPath);
        } catch (IOException e) {
            fail(e);
            return;
        }
        stats.durableOffset = position;
        stats.checkpoints.increment();
        tokensSinceCheckpoint = 0;
        synchronized (flushMonitor) {
            flushCompleted = Math.max(flushCompleted, target);
            flushMonitor.notifyAll();
        }
    }

    private void finish() {
        writeDropsIfChanged(true);
        writeDirect(Frames.json(StreamFormat.END_FRAME, endSummary.get()));
        if (failure != null) return;
        try {
            channel.force(false);
            stats.durableOffset = position;
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException e) {
        if (failure == null) failure = e;
    }

    /**
     * Asks the writer to fsync and checkpoint once everything offered so far is written, and waits for it.
     * Returns false if the writer failed or stopped first.
     */
    boolean requestFlush(long timeoutMillis) throws InterruptedException {
        long ticket;
        synchronized (flushMonitor) {
            ticket = ++flushRequested;
        }
        ring.nudgeWriter();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (flushMonitor) {
            while (flushCompleted < ticket) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return false;
                flushMonitor.wait(left);
            }
        }
        return failure == null && flushCompleted != Long.MAX_VALUE;
    }
}
