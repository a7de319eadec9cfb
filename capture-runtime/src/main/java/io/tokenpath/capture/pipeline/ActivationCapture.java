package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.codec.Lz4Compressor;
import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Granularity;
import io.tokenpath.capture.config.OverflowPolicy;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.SampleSpec;
import io.tokenpath.capture.format.StreamFormat;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One capture: a stream file being written. Producers (application threads, the agent's advice) call
 * {@link #captureTensor} and {@link #recordToken}; the bytes are copied into the ring before the call returns, so the
 * caller may free its tensor right after. Encoding and writing happen on the capture's own threads.
 *
 * <p>Thread-safe. Never throws into a producer for capacity reasons: a frame that cannot be taken is counted in
 * {@link CaptureStats} under a {@link DropReason} and the call returns false. Misuse (a shape that does not describe
 * the bytes, a reserved name) throws {@link IllegalArgumentException} and is counted as {@code invalid}.
 */
public final class ActivationCapture implements AutoCloseable {
    private static final int MAX_FRAMES_IN_RING = 1 << 16;
    private static final long BLOCK_POLL_NANOS = 10_000_000L;
    private static final String WRITER_NAME = "tokenpath-capture-runtime";

    private final CaptureConfig config;
    private final ActivationRing ring;
    private final CaptureStats stats = new CaptureStats();
    private final FileChannel channel;
    private final FrameWriter writer;
    private final List<Thread> threads = new ArrayList<>();
    private final SliceSampler sampler;
    private final ConcurrentHashMap<String, byte[]> nameCache = new ConcurrentHashMap<>();
    private final Consumer<String> log;
    private final Resume resumed;
    private volatile boolean closed;
    private volatile Throwable encodeError;
    private CaptureStats.Snapshot finalStats;

    private ActivationCapture(CaptureConfig config, Consumer<String> log) throws IOException {
        this.config = config;
        this.log = log;
        this.sampler = config.granularity() == Granularity.SAMPLED_SLICES ? new SliceSampler(config.sampleCount()) : null;
        Path out = config.output();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);

        long start;
        long frames;
        long tokens;
        Resume r = null;
        if (config.resume() && Files.exists(out) && Files.size(out) > 0) {
            r = Resume.prepare(out);
            channel = FileChannel.open(out, StandardOpenOption.WRITE);
            channel.truncate(r.offset());
            channel.position(r.offset());
            ByteBuffer f = Frames.json(StreamFormat.RESUME_FRAME, Json.map("resumed_at", r.offset(),
                    "truncated_bytes", r.truncatedBytes(), "from_checkpoint", r.fromCheckpoint(),
                    "timestamp_ns", EpochClock.nowNanos()));
            start = r.offset() + writeFully(f);
            frames = r.frames() + 1;
            tokens = r.tokens();
        } else {
            Files.deleteIfExists(Checkpoint.pathFor(out)); // a stale checkpoint must not describe the new file
            channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            start = writeFully(Frames.header(headerMetadata()));
            frames = 1;
            tokens = 0;
        }
        this.resumed = r;
        // Segments allocated as the ring fills (nothing at start-up); each holds the largest frame a tensor of
        // max_tensor makes, and at least SEGMENT_BYTES so small frames do not cut the ring into slivers.
        this.ring = new ActivationRing((int) config.ringBytes(), MAX_FRAMES_IN_RING, segmentBytes(config));
        this.writer = new FrameWriter(ring, stats, channel, start, frames, tokens, out, config.checkpointTokens(),
                config.writeBatchBytes(), this::endSummary);
        for (int i = 0; i < config.threads(); i++) {
            EncoderWorker w = new EncoderWorker(ring, stats, config.encoding(), config.maxTensorBytes(), this::encodeFailed);
            threads.add(daemon(w, "tokenpath-encoder-" + i));
        }
        Thread wt = daemon(writer, "tokenpath-writer");
        threads.add(wt);
        threads.forEach(Thread::start);
    }

    /** The smallest ring segment; larger when max_tensor needs it. */
    static final int SEGMENT_BYTES = 4 << 20;
    /** Room in a segment for a frame's header, name (at most 64 KiB) and tensor header besides max_tensor. */
    static final int FRAME_OVERHEAD_BYTES = 1 << 20;

    static int segmentBytes(CaptureConfig config) {
        long frame = config.maxTensorBytes() + (long) FRAME_OVERHEAD_BYTES;
        return (int) Math.min(config.ringBytes(), Math.max(SEGMENT_BYTES, frame));
    }

    /** Opens (or, with {@code resume}, continues) the capture described by {@code config}. */
    public static ActivationCapture open(CaptureConfig config) throws IOException {
        return new ActivationCapture(config, msg -> System.err.println("[tokenpath] " + msg));
    }

    /** As {@link #open(CaptureConfig)}, with the capture's one-line reports sent to {@code log}. */
    public static ActivationCapture open(CaptureConfig config, Consumer<String> log) throws IOException {
        return new ActivationCapture(config, log);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private long writeFully(ByteBuffer b) throws IOException {
        int len = b.remaining();
        while (b.hasRemaining()) channel.write(b);
        return len;
    }

    private Map<String, Object> headerMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "tokenpath-activations");
        m.put("version", (long) StreamFormat.VERSION);
        m.put("writer", WRITER_NAME + " " + version());
        long now = EpochClock.nowNanos();
        m.put("created_ns", now);
        m.put("created", Instant.ofEpochSecond(0, now).toString());
        m.put("pid", ProcessHandle.current().pid());
        m.put("byte_order", "little");
        m.put("lz4_implementation", Lz4Compressor.implementation());
        m.put("config", config.describe());
        m.put("metadata", config.metadata());
        return m;
    }

    static String version() {
        String v = ActivationCapture.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public CaptureConfig config() { return config; }

    /** True when the block at {@code path} with class {@code className} is to be captured. */
    public boolean selects(String path, String className) {
        return config.selector().selects(path, className);
    }

    /** Whether this capture was resumed from an existing file, and from where. */
    public String resumeSummary() {
        if (resumed == null) return "new stream";
        return "resumed at offset " + resumed.offset() + (resumed.fromCheckpoint() ? " (checkpoint)" : " (valid prefix)")
                + ", cut " + resumed.truncatedBytes() + " trailing bytes";
    }

    /**
     * Captures one tensor. {@code data} holds its bytes from position to limit, little-endian, row-major; it is
     * copied before this returns (the buffer's position is not changed).
     *
     * @return true if queued for writing; false if dropped (counted under a reason)
     */
    public boolean captureTensor(String name, DType dtype, long[] shape, long requestId, int step, ByteBuffer data) {
        stats.tensorsOffered.increment();
        long elements = checkShape(name, dtype, shape, data.remaining());
        if (closed) return drop(DropReason.CLOSED);
        if (writer.failure() != null) return drop(DropReason.WRITE_ERROR);

        SampleSpec sample = sampler == null ? null : sampler.specFor(shape);
        long[] storedShape = sample == null ? shape : SliceSampler.sampledShape(shape, sample);
        long storedBytes = sample == null ? elements * dtype.size() : elements / shape[shape.length - 1] * sample.indices().length * dtype.size();
        if (storedBytes > config.maxTensorBytes()) return drop(DropReason.TOO_LARGE);

        byte[] nameBytes = nameBytes(name);
        int headerLen = TensorHeader.encodedLength(storedShape.length, sample);
        int payloadOffset = StreamFormat.FRAME_HEADER_BYTES + nameBytes.length + headerLen;
        RingSlot s = reserve(payloadOffset + (int) storedBytes);
        if (s == null) return false;

        ByteBuffer buf = s.buffer;
        try {
            buf.putShort(s.at, (short) nameBytes.length);
            buf.put(s.at + StreamFormat.FRAME_HEADER_BYTES, nameBytes);
            if (sample == null) {
                buf.put(s.at + payloadOffset, data, data.position(), (int) storedBytes);
            } else {
                SliceSampler.gather(data, data.position(), shape, dtype.size(), sample, buf, s.at + payloadOffset);
            }
        } catch (RuntimeException e) {
            // The caller's buffer changed under us: give the slot back in order (the writer skips it), count it.
            ring.abandon(s);
            stats.drop(DropReason.INVALID);
            throw new IllegalArgumentException("tensor '" + name + "': could not copy its bytes: " + e, e);
        }
        s.nameLength = nameBytes.length;
        s.payloadOffset = payloadOffset;
        s.sourceLength = (int) storedBytes;
        s.dtype = dtype;
        s.shape = storedShape;
        s.sample = sample;
        s.requestId = requestId;
        s.step = step;
        s.timestampNanos = EpochClock.nowNanos();
        stats.bytesSource.add(storedBytes);
        ring.filled(s);
        return true;
    }

    /** Counts a tensor the producer could not offer because the stream has no dtype for it. */
    public void countUnsupported() {
        stats.tensorsOffered.increment();
        stats.drop(DropReason.UNSUPPORTED);
    }

    /** Convenience for float32 data held on the heap (tests, manual use). */
    public boolean captureTensor(String name, long[] shape, long requestId, int step, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return captureTensor(name, DType.FLOAT32, shape, requestId, step, b);
    }

    private long checkShape(String name, DType dtype, long[] shape, int bytes) {
        try {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("tensor name is empty");
            if (StreamFormat.isReserved(name)) {
                throw new IllegalArgumentException("tensor name '" + name + "' starts with the reserved prefix __");
            }
            if (shape.length > StreamFormat.MAX_NDIM) {
                throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length + " dimensions (max "
                        + StreamFormat.MAX_NDIM + ")");
            }
            long n = 1;
            for (long d : shape) {
                if (d < 0) throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension");
                n = Math.multiplyExact(n, d);
            }
            if (Math.multiplyExact(n, (long) dtype.size()) != bytes) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
                        + " of " + dtype + " needs " + n * dtype.size() + " bytes, the buffer holds " + bytes);
            }
            return n;
        } catch (IllegalArgumentException | ArithmeticException e) {
            stats.drop(DropReason.INVALID);
            throw e instanceof IllegalArgumentException ? (IllegalArgumentException) e
                    : new IllegalArgumentException("tensor '" + name + "': shape overflows", e);
        }
    }

    /**
     * Records a generated token. Token frames share the ring and the policy with tensors, so they stay in order
     * with them.
     */
    public boolean recordToken(long requestId, int step, int tokenId, String text, boolean last) {
        stats.tokensOffered.increment();
        return writeWhole(StreamFormat.TOKEN_FRAME,
                new TokenRecord(requestId, step, EpochClock.nowNanos(), tokenId, last, text).encode(), true);
    }

    /** Writes a request-level event ({@code __request} frame) with JSON fields such as id, model, client. */
    public boolean recordRequestEvent(Map<String, Object> fields) {
        stats.eventsOffered.increment();
        return writeWhole(StreamFormat.REQUEST_FRAME, Json.write(fields).getBytes(StandardCharsets.UTF_8), false);
    }

    private boolean writeWhole(String name, byte[] data, boolean token) {
        if (closed) return drop(DropReason.CLOSED);
        if (writer.failure() != null) return drop(DropReason.WRITE_ERROR);
        byte[] n = nameBytes(name);
        RingSlot s = reserve(StreamFormat.FRAME_HEADER_BYTES + n.length + data.length);
        if (s == null) return false;
        ByteBuffer buf = s.buffer;
        buf.putShort(s.at, (short) n.length);
        buf.putInt(s.at + 2, data.length);
        buf.put(s.at + StreamFormat.FRAME_HEADER_BYTES, n);
        buf.put(s.at + StreamFormat.FRAME_HEADER_BYTES + n.length, data);
        s.isToken = token;
        s.frameLength = s.reserved;
        ring.ready(s, true);
        return true;
    }

    /** Reserves ring space under the overflow policy; on failure the drop is already counted. */
    private RingSlot reserve(int len) {
        if (len > ring.maxFrameBytes()) {
            drop(DropReason.TOO_LARGE);
            return null;
        }
        try {
            RingSlot s = ring.reserve(len, 0);
            if (s != null) return s;
            if (ringShort(len)) return null;
            if (config.policy() == OverflowPolicy.DROP) {
                drop(closed ? DropReason.CLOSED : DropReason.RING_FULL);
                return null;
            }
            long t0 = System.nanoTime();
            stats.producerWaits.increment();
            try {
                while (true) {
                    if (closed) {
                        drop(DropReason.CLOSED);
                        return null;
                    }
                    if (writer.failure() != null) {
                        drop(DropReason.WRITE_ERROR);
                        return null;
                    }
                    s = ring.reserve(len, BLOCK_POLL_NANOS);
                    if (s != null) return s;
                    if (ringShort(len)) return null;
                }
            } finally {
                stats.producerWaitNanos.add(System.nanoTime() - t0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(DropReason.INTERRUPTED);
            return null;
        }
    }

    /**
     * True (and the drop counted, the cause reported once) when the ring lost segments to the JVM's direct memory
     * limit and can no longer hold {@code len} bytes: waiting would never end.
     */
    private boolean ringShort(int len) {
        if (!ring.allocationFailed) return false;
        if (!allocationReported) {
            allocationReported = true;
            log.accept("capture: the ring could allocate only " + ring.allocatedBytes() + " of its " + config.ringBytes()
                    + " bytes of direct memory (raise -XX:MaxDirectMemorySize or lower max_memory); frames that do"
                    + " not fit are dropped (reason ring_full)");
        }
        if (len <= ring.capacity()) return false;
        drop(DropReason.RING_FULL);
        return true;
    }

    private volatile boolean allocationReported;

    private boolean drop(DropReason r) {
        stats.drop(r);
        return false;
    }

    private byte[] nameBytes(String name) {
        byte[] b = nameCache.get(name);
        if (b != null) return b;
        b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            stats.drop(DropReason.INVALID);
            throw new IllegalArgumentException("frame name of " + b.length + " bytes exceeds 65535");
        }
        if (nameCache.size() < 4096) nameCache.put(name, b);
        return b;
    }

    private void encodeFailed(Throwable t) {
        if (encodeError == null) {
            encodeError = t;
            log.accept("capture: a tensor could not be encoded and was dropped (reason encode_error): " + t);
        }
    }

    /** Live counters; after close they still count frames offered too late (reason {@code closed}). */
    public CaptureStats.Snapshot stats() {
        return stats.snapshot(ring);
    }

    /**
     * Waits until everything offered before this call is written, then fsyncs and checkpoints.
     *
     * @return false if that did not happen within {@code timeoutMillis} or the writer has failed
     */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long target = ring.reservedTotal();
        while (ring.releasedTotal() < target) {
            if (writer.failure() != null || System.currentTimeMillis() > deadline) return false;
            Thread.sleep(1);
        }
        return writer.requestFlush(Math.max(1, deadline - System.currentTimeMillis()));
    }

    /** The writer's error, if it failed (disk full, I/O error); null while healthy. */
    public IOException failure() {
        return writer.failure();
    }

    /**
     * Stops taking frames, writes what is queued, ends the stream with an {@code __end} frame, fsyncs, writes the
     * token sidecar and removes the checkpoint. If the writer failed, the checkpoint stays for a resume and the
     * failure is thrown.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed && finalStats != null) return;
        closed = true;
        ring.close();
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing the capture of " + config.output());
        } finally {
            finalStats = stats.snapshot(ring);
            channel.close();
        }
        IOException f = writer.failure();
        if (f != null) {
            throw new IOException("capture of " + config.output() + " failed: " + f.getMessage() + "; the stream is"
                    + " intact up to the durable offset " + finalStats.durableOffset() + " (resume with resume=true)", f);
        }
        if (config.sidecar()) TokenSidecar.write(config.output());
        Files.deleteIfExists(Checkpoint.pathFor(config.output()));
    }

    private Map<String, Object> endSummary() {
        CaptureStats.Snapshot s = stats.snapshot(ring);
        Map<String, Object> drops = new LinkedHashMap<>();
        s.drops().forEach((r, c) -> drops.put(r.label(), c));
        return Json.map("tensors_offered", s.tensorsOffered(), "tensors_written", s.tensorsWritten(),
                "tokens_offered", s.tokensOffered(), "tokens_written", s.tokensWritten(),
                "events_offered", s.eventsOffered(), "events_written", s.eventsWritten(),
                "bytes_source", s.bytesSource(), "bytes_raw", s.bytesRaw(), "bytes_encoded", s.bytesEncoded(),
                "drops", drops, "producer_wait_ns", s.producerWaitNanos(), "ring_high_water_bytes", s.ringHighWaterBytes(),
                "timestamp_ns", EpochClock.nowNanos());
    }
}
