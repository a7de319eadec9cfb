package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.OverflowPolicy;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** A producer much faster than the encoders: {@code block} loses nothing within budget, {@code drop} counts exactly. */
class BackpressureTest {
    @TempDir
    Path dir;

    private static final long[] SHAPE = {1, 64, 2048}; // 512 KiB of float32
    private static final long BUDGET = 8L << 20;

    private static ByteBuffer activations(long seed) {
        Random r = new Random(seed);
        int n = (int) (SHAPE[0] * SHAPE[1] * SHAPE[2]);
        ByteBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat((float) r.nextGaussian());
        return b.flip();
    }

    /** Zstd at level 19 makes the encoder the bottleneck by orders of magnitude. */
    private CaptureConfig.Builder slowEncoder(String file) {
        return CaptureConfig.builder(Preset.BALANCED).output(dir.resolve(file)).codec(Codec.ZSTD).zstdLevel(19)
                .shuffle(false).threads(1).maxMemory(BUDGET).maxTensor(1L << 20);
    }

    private static long directMemoryUsed() {
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (p.getName().equals("direct")) return p.getMemoryUsed();
        }
        throw new AssertionError("no direct buffer pool MXBean");
    }

    @Test
    void blockPolicyLosesNothingAndStaysWithinBudget() throws Exception {
        ByteBuffer src = activations(1);
        CaptureConfig cfg = slowEncoder("block.stream").policy(OverflowPolicy.BLOCK).build();
        long baseline = directMemoryUsed();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(directMemoryUsed() - baseline, Math::max);
                Thread.onSpinWait();
            }
        });
        int perThread = 12;
        CaptureStats.Snapshot s;
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            sampler.start();
            Thread[] producers = new Thread[2];
            for (int p = 0; p < producers.length; p++) {
                int id = p;
                producers[p] = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        assertTrue(cap.captureTensor("00layer/0" + id, DType.FLOAT32, SHAPE, id, i, src));
                        cap.recordToken(id, i, i, "t" + i, i == perThread - 1);
                    }
                });
                producers[p].start();
            }
            for (Thread t : producers) t.join();
            cap.close();
            s = cap.stats();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        assertEquals(2 * perThread, s.tensorsWritten());
        assertEquals(2 * perThread, s.tokensWritten());
        assertEquals(0, s.droppedTotal(), "block policy must not drop: " + s.drops());
        assertTrue(s.producerWaits() > 0, "the producers were faster than the encoder, so they must have waited");
        assertTrue(s.producerWaitNanos() > 0);
        assertTrue(peak.get() <= BUDGET, "direct memory of the capture peaked at " + peak.get() + " > budget " + BUDGET);
        assertTrue(s.ringHighWaterBytes() <= s.ringCapacity());
        assertEquals(2 * perThread, countFrames(dir.resolve("block.stream"), FrameKind.TENSOR));
    }

    @Test
    void dropPolicyCountsEveryDropExactly() throws Exception {
        ByteBuffer src = activations(2);
        CaptureConfig cfg = slowEncoder("drop.stream").policy(OverflowPolicy.DROP).build();
        int offered = 200;
        int accepted = 0;
        CaptureStats.Snapshot s;
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            for (int i = 0; i < offered; i++) {
                if (cap.captureTensor("00layer", DType.FLOAT32, SHAPE, 0, i, src)) accepted++;
            }
            cap.close();
            s = cap.stats();
        }
        long dropped = s.drops().get(DropReason.RING_FULL);
        assertTrue(dropped > 0, "a full ring must drop under policy drop");
        assertEquals(offered, s.tensorsOffered());
        assertEquals(accepted, s.tensorsWritten());
        assertEquals(offered, s.tensorsWritten() + dropped, "written + dropped == produced");
        assertEquals(0, s.producerWaits(), "policy drop never makes the app wait");
        Path f = dir.resolve("drop.stream");
        assertEquals(s.tensorsWritten(), countFrames(f, FrameKind.TENSOR));
        // The file itself says what it lacks: the last __drops frame carries the final count.
        long recorded = -1;
        try (StreamReader r = StreamReader.open(f)) {
            for (Frame fr : r) {
                if (fr.kind() == FrameKind.DROPS) recorded = ((Number) fr.json().get("ring_full")).longValue();
                if (fr.kind() == FrameKind.END) {
                    Map<String, Object> end = fr.json();
                    assertEquals(offered, ((Number) end.get("tensors_offered")).longValue());
                }
            }
        }
        assertEquals(dropped, recorded);
    }

    @Test
    void tensorLargerThanMaxTensorIsCountedTooLarge() throws Exception {
        CaptureConfig cfg = slowEncoder("big.stream").codec(Codec.LZ4).build();
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            ByteBuffer big = ByteBuffer.allocateDirect(2 << 20);
            assertFalse(cap.captureTensor("big", DType.FLOAT32, new long[] {512, 1024}, 0, 0, big));
            cap.close();
            assertEquals(1, cap.stats().drops().get(DropReason.TOO_LARGE));
            assertEquals(0, cap.stats().tensorsWritten());
        }
    }

    @Test
    void framesAfterCloseAreCountedClosed() throws Exception {
        ActivationCapture cap = ActivationCapture.open(slowEncoder("closed.stream").codec(Codec.LZ4).build());
        cap.close();
        assertFalse(cap.captureTensor("x", new long[] {4}, 0, 0, new float[4]));
        assertFalse(cap.recordToken(0, 0, 1, "a", true));
        assertEquals(2, cap.stats().drops().get(DropReason.CLOSED));
    }

    static long countFrames(Path p, FrameKind kind) throws Exception {
        try (StreamReader r = StreamReader.open(p)) {
            long n = r.frames().filter(f -> f.kind() == kind).count();
            assertTrue(r.end().isClean(), r.end().toString());
            return n;
        }
    }
}
