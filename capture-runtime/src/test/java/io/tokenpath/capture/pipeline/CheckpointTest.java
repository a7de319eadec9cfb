package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoints land on frame boundaries as tokens flow; flush makes everything durable; close cleans up. */
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void checkpointsFollowTokensAndFlushMakesEverythingDurable() throws Exception {
        Path out = dir.resolve("ck.stream");
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(out).checkpointEveryTokens(4)
                .maxMemory(16L << 20).maxTensor(1L << 20).build();
        Path ckpt = Checkpoint.pathFor(out);
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            for (int step = 0; step < 10; step++) {
                cap.captureTensor("00l", new long[] {1, 16}, 3, step, new float[16]);
                cap.recordToken(3, step, step, "x", step == 9);
            }
            assertTrue(cap.flush(10_000), "flush must complete");
            Checkpoint c = Checkpoint.read(ckpt);
            assertEquals(Files.size(out), c.durableOffset(), "after flush everything written is durable");
            assertEquals(10, c.tokens());
            assertEquals(c.durableOffset(), cap.stats().durableOffset());
            assertTrue(cap.stats().checkpoints() >= 2, "every 4 tokens, plus the flush");
            Set<Long> boundaries;
            try (StreamReader r = StreamReader.open(out)) {
                boundaries = r.frames().map(Frame::endOffset).collect(Collectors.toSet());
            }
            assertTrue(boundaries.contains(c.durableOffset()));
        }
        assertFalse(Files.exists(ckpt));
        Map<String, Object> side = Json.parseObject(Files.readString(TokenSidecar.pathFor(out)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tokens = (List<Map<String, Object>>) side.get("tokens");
        assertEquals(10, tokens.size());
        for (int i = 0; i < 10; i++) {
            Map<String, Object> t = tokens.get(i);
            assertEquals((long) i, t.get("step"));
            assertEquals(3L, t.get("request_id"));
            assertEquals(1L, t.get("tensor_frames"), "one tensor frame per (request, step)");
        }
    }

    @Test
    void aNewCaptureRemovesAStaleCheckpointAndAResumeOfACleanFileAppends() throws Exception {
        Path out = dir.resolve("stale.stream");
        Files.writeString(Checkpoint.pathFor(out), "{\"format\":\"tokenpath-checkpoint\",\"durable_offset\":999999}");
        CaptureConfig cfg = CaptureConfig.builder(Preset.FAST_CAPTURE).output(out).sidecar(false).build();
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            assertFalse(Files.exists(Checkpoint.pathFor(out)), "a stale checkpoint must not describe the new file");
            cap.captureTensor("a", new long[] {2}, 0, 0, new float[] {1, 2});
        }
        long size = Files.size(out);
        try (ActivationCapture cap = ActivationCapture.open(cfg.toBuilder().resume(true).build())) {
            assertTrue(cap.resumeSummary().contains("valid prefix"), cap.resumeSummary());
            cap.captureTensor("a", new long[] {2}, 0, 1, new float[] {3, 4});
        }
        try (StreamReader r = StreamReader.open(out)) {
            List<Frame> all = r.frames().toList();
            Frame resume = all.stream().filter(f -> f.name().equals("__resume")).findFirst().orElseThrow();
            assertEquals(size, resume.offset(), "without a checkpoint, resume continues after the last complete frame");
            assertEquals(2, all.stream().filter(f -> f.name().equals("a")).count());
            assertTrue(r.end().isClean());
        }
    }
}
