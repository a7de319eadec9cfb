package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.StreamFormat;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.DecodedTensor;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SIGKILL a JVM in the middle of a capture, then resume: everything before the checkpoint's durable offset reads
 * back exactly, the torn tail is reported and cut, and the resumed frames follow.
 */
class CrashResumeTest {
    @TempDir
    Path dir;

    @Test
    void sigkillThenResumeLosesNothingBeforeTheDurableOffset() throws Exception {
        Path out = dir.resolve("crash.stream");
        Path ckptPath = Checkpoint.pathFor(out);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), out.toString(), "8")
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("started", lines.readLine(), "child capture did not start");
            long deadline = System.currentTimeMillis() + 30_000;
            long seenCheckpoints = 0;
            long lastOffset = -1;
            while (seenCheckpoints < 5 && System.currentTimeMillis() < deadline) {
                Checkpoint c = Files.exists(ckptPath) ? Checkpoint.read(ckptPath) : null;
                if (c != null && c.durableOffset() != lastOffset) {
                    seenCheckpoints++;
                    lastOffset = c.durableOffset();
                }
                Thread.sleep(20);
            }
            assertTrue(seenCheckpoints >= 5, "child wrote only " + seenCheckpoints + " checkpoints in 30 s");
            Thread.sleep(150); // let frames past the last checkpoint reach the file
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "child must have died from SIGKILL");

        Checkpoint ckpt = Checkpoint.read(ckptPath);
        assertNotNull(ckpt, "checkpoint must survive the kill");
        long durable = ckpt.durableOffset();
        // A write() of a regular file is rarely cut by SIGKILL, so also append what a cut write leaves behind: the
        // start of a frame whose declared length runs past the end of the file.
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.APPEND)) {
            ByteBuffer torn = ByteBuffer.allocate(40);
            torn.putShort((short) 7).putInt(1_000_000).put("01h0/01".getBytes(StandardCharsets.UTF_8)).position(40).flip();
            ch.write(torn);
        }
        long sizeAfterCrash = Files.size(out);
        assertTrue(sizeAfterCrash > durable);
        byte[] prefixDigest = digest(out, durable);

        // 1. Everything up to the durable offset reads back exactly; the tail is reported, not thrown.
        long tokensBefore = 0;
        try (StreamReader r = StreamReader.open(out)) {
            for (Frame f : r) {
                if (f.endOffset() > durable) continue;
                if (f.kind() == FrameKind.TENSOR) {
                    DecodedTensor t = f.decode();
                    int layer = Arrays.asList(CrashChild.LAYERS).indexOf(f.name());
                    assertArrayEquals(CrashChild.tensor(t.requestId(), t.step(), layer), t.floats(), "frame at " + f.offset());
                } else if (f.kind() == FrameKind.TOKEN) {
                    TokenRecord tok = f.token();
                    assertEquals(CrashChild.tokenId(tok.requestId(), tok.step()), tok.tokenId());
                    tokensBefore++;
                }
            }
            StreamEnd end = r.end();
            assertEquals(StreamEnd.Status.TORN, end.status(), end.toString());
            assertTrue(end.offset() >= durable, "torn offset " + end.offset() + " must not precede durable " + durable);
        }
        assertEquals(ckpt.tokens(), tokensBefore, "checkpoint token count equals the tokens before its offset");
        assertTrue(tokensBefore >= 40, "five checkpoints every 8 tokens: " + tokensBefore);

        // 2. Resume: cut to the durable offset, mark it, append.
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(out).resume(true).checkpointEveryTokens(8)
                .maxMemory(32L << 20).maxTensor(1L << 20).build();
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            assertTrue(cap.resumeSummary().contains("checkpoint"), cap.resumeSummary());
            for (int step = 0; step < 4; step++) {
                for (int l = 0; l < CrashChild.LAYERS.length; l++) {
                    assertTrue(cap.captureTensor(CrashChild.LAYERS[l], CrashChild.shape(step), 1000, step,
                            CrashChild.tensor(1000, step, l)));
                }
                assertTrue(cap.recordToken(1000, step, CrashChild.tokenId(1000, step), "r", step == 3));
            }
        }
        assertFalse(Files.exists(ckptPath), "a clean close removes the checkpoint");
        assertArrayEquals(prefixDigest, digest(out, durable), "bytes before the durable offset are untouched");

        // 3. The resumed stream: a __resume frame exactly at the durable offset, then the new frames, clean end.
        try (StreamReader r = StreamReader.open(out)) {
            List<Frame> after = r.frames().filter(f -> f.offset() >= durable).toList();
            assertEquals(StreamFormat.RESUME_FRAME, after.get(0).name());
            assertEquals(durable, after.get(0).offset());
            Map<String, Object> resume = after.get(0).json();
            assertEquals(sizeAfterCrash - durable, ((Number) resume.get("truncated_bytes")).longValue());
            long newTensors = 0;
            for (Frame f : after) {
                if (f.kind() == FrameKind.TENSOR) {
                    TensorHeader h = f.tensorHeader();
                    assertEquals(1000, h.requestId());
                    int layer = Arrays.asList(CrashChild.LAYERS).indexOf(f.name());
                    assertArrayEquals(CrashChild.tensor(1000, h.step(), layer), f.decode().floats());
                    newTensors++;
                }
            }
            assertEquals(12, newTensors);
            assertEquals(FrameKind.END, after.get(after.size() - 1).kind());
            assertTrue(r.end().isClean(), r.end().toString());
        }
        Map<String, Object> side = Json.parseObject(Files.readString(TokenSidecar.pathFor(out)));
        assertEquals(tokensBefore + 4, ((Number) side.get("token_count")).longValue());
    }

    private static byte[] digest(Path p, long len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            long pos = 0;
            while (pos < len) {
                b.clear().limit((int) Math.min(b.capacity(), len - pos));
                int n = ch.read(b, pos);
                if (n < 0) break;
                md.update(b.array(), 0, n);
                pos += n;
            }
        }
        return md.digest();
    }
}
