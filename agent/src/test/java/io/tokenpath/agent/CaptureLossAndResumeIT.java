package io.tokenpath.agent;

import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tap under pressure and after a crash, through the real agent on the real service: with policy {@code drop}
 * and a tiny budget the drops are exactly counted on /metrics and in the stream; SIGKILL mid-capture, then a
 * restart with {@code capture.resume=true} keeps everything up to the checkpoint and appends.
 */
class CaptureLossAndResumeIT {
    @Test
    void dropsAreCountedExactlyOnMetricsAndInTheStream() throws Exception {
        Path stream = Files.createTempDirectory("tp-drop").resolve("drop.stream");
        PrometheusText m;
        try (SampleService s = SampleService.start("capture.output=" + stream + ",capture.policy=drop,capture.max_memory=3m,"
                + "capture.max_tensor=512k,capture.codec=zstd,capture.zstd_level=19,capture.threads=1,capture.outputs=all",
                "--models", "tiny", "--workers", "2")) {
            s.load("--model", "tiny", "--num-prompts", "6", "--max-tokens", "12", "--concurrency", "3");
            m = PrometheusText.parse(s.metrics());
            // Let the encoder drain what it holds before the shutdown hook closes the capture.
        }
        double droppedOnMetrics = m.sum("tokenpath_capture_dropped_total", l -> "ring_full".equals(l.get("tokenpath_drop_reason")));
        assertTrue(droppedOnMetrics > 0, "a 3 MiB ring behind a zstd-19 encoder must overflow");
        long tensors = 0;
        long droppedInStream = -1;
        Map<String, Object> end = null;
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) {
                if (f.kind() == FrameKind.TENSOR) tensors++;
                if (f.kind() == FrameKind.DROPS) droppedInStream = ((Number) f.json().get("ring_full")).longValue();
                if (f.kind() == FrameKind.END) end = f.json();
            }
            assertTrue(r.end().isClean());
        }
        assertNotNull(end);
        assertTrue(droppedInStream >= droppedOnMetrics, "the stream's last count includes drops after the scrape");
        assertEquals(tensors, n(end, "tensors_written"), "every written tensor is in the file");
        // Tokens share the ring and the policy, so the exact balance is over every frame offered.
        long offered = n(end, "tensors_offered") + n(end, "tokens_offered") + n(end, "events_offered");
        long written = n(end, "tensors_written") + n(end, "tokens_written") + n(end, "events_written");
        @SuppressWarnings("unchecked")
        Map<String, Object> drops = (Map<String, Object>) end.get("drops");
        long dropped = drops.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        assertEquals(droppedInStream, ((Number) drops.get("ring_full")).longValue(), "__drops and __end agree");
        assertEquals(offered, written + dropped, "offered = written + dropped, exactly");
    }

    private static long n(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    @Test
    void sigkillThenResumeKeepsEverythingUpToTheCheckpoint() throws Exception {
        Path dir = Files.createTempDirectory("tp-kill");
        Path stream = dir.resolve("kill.stream");
        Path ckpt = dir.resolve("kill.stream.ckpt.json");
        String capture = "capture.output=" + stream + ",capture.checkpoint_tokens=4,capture.resume=true";
        SampleService first = SampleService.start(capture, "--models", "tiny", "--workers", "1");
        try {
            first.load("--model", "tiny", "--num-prompts", "3", "--max-tokens", "10");
            assertTrue(Files.exists(ckpt), "a checkpoint exists while the capture runs");
        } finally {
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertTrue(first.process.waitFor(20, TimeUnit.SECONDS));
        }
        long durable = ((Number) Json.parseObject(Files.readString(ckpt)).get("durable_offset")).longValue();
        long tokensBefore;
        try (StreamReader r = StreamReader.open(stream)) {
            tokensBefore = r.frames().filter(f -> f.endOffset() <= durable && f.kind() == FrameKind.TOKEN).count();
        }
        assertTrue(tokensBefore >= 4, "tokens before the durable offset: " + tokensBefore);

        try (SampleService second = SampleService.start(capture, "--models", "tiny", "--workers", "1")) {
            second.load("--model", "tiny", "--num-prompts", "2", "--max-tokens", "6");
        }
        assertFalse(Files.exists(ckpt), "a clean close removes the checkpoint");
        try (StreamReader r = StreamReader.open(stream)) {
            long tokensAfterResume = 0;
            boolean resumed = false;
            for (Frame f : r) {
                if (f.kind() == FrameKind.RESUME) {
                    assertEquals(durable, f.offset(), "resume starts at the durable offset");
                    resumed = true;
                } else if (f.kind() == FrameKind.TENSOR && f.endOffset() <= durable) {
                    f.decode(); // every frame before the durable offset decodes (CRC checked)
                } else if (f.kind() == FrameKind.TOKEN && resumed) {
                    tokensAfterResume++;
                }
            }
            assertTrue(resumed);
            assertEquals(12, tokensAfterResume, "the second run's tokens follow");
            assertTrue(r.end().isClean(), r.end().toString());
        }
    }
}
