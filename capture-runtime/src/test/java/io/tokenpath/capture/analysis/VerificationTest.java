package io.tokenpath.capture.analysis;

import io.tokenpath.capture.SampleStreams;
import io.tokenpath.capture.StreamSurgery;
import io.tokenpath.capture.StreamSurgery.Span;
import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class VerificationTest {
    @TempDir
    static Path dir;
    static SampleStreams.Written sample;

    @BeforeAll
    static void write() throws IOException {
        sample = SampleStreams.uncompressed(dir.resolve("verify.stream"));
    }

    static Verification verify(Path p) throws IOException {
        try (StreamReader r = StreamReader.open(p)) {
            return Verification.run(r);
        }
    }

    @Test
    void goodStreamPassesWithCountsByKind() throws IOException {
        Verification v = verify(sample.file());
        assertTrue(v.passed(), v.problems().toString());
        assertEquals(List.of(), v.warnings());
        assertEquals(35, v.tensorsDecoded());
        assertEquals(7, v.tokensDecoded());
        StreamCensus c = v.census();
        assertEquals(Map.of(FrameKind.HEADER, 1L, FrameKind.TENSOR, 35L, FrameKind.TOKEN, 7L, FrameKind.DROPS, 0L,
                FrameKind.RESUME, 0L, FrameKind.REQUEST, 0L, FrameKind.END, 1L, FrameKind.UNKNOWN_RESERVED, 0L),
                c.countsByKind());
        assertEquals(44, c.frames());
        assertTrue(c.closedCleanly());
        assertTrue(c.endFrameOffset() > 0);
        assertEquals(35L, c.endSummary().get("tensors_written"));
        assertEquals(Map.of(), c.drops());
    }

    /** Two damaged payloads: both are reported at their own frames, and everything else still decodes. */
    @Test
    void everyBadPayloadIsReportedWithItsOffset() throws IOException {
        Path bad = StreamSurgery.copy(sample.file(), "two-flips.stream");
        List<Span> tensors = StreamSurgery.frames(bad, FrameKind.TENSOR);
        StreamSurgery.flipLastByte(bad, tensors.get(3));
        StreamSurgery.flipLastByte(bad, tensors.get(20));
        Verification v = verify(bad);
        assertFalse(v.passed());
        assertEquals(2, v.problems().size(), v.problems().toString());
        assertEquals(tensors.get(3).offset(), v.problems().get(0).offset());
        assertEquals(tensors.get(20).offset(), v.problems().get(1).offset());
        assertEquals(tensors.get(3).name(), v.problems().get(0).frameName());
        assertTrue(v.problems().get(0).message().startsWith("CRC32C mismatch"), v.problems().get(0).message());
        assertFalse(v.problems().get(0).message().contains("at byte offset"), "the offset is a field, not repeated");
        assertEquals(33, v.tensorsDecoded());
        assertEquals(7, v.tokensDecoded(), "frames after the damage are still checked");
        assertTrue(v.end().isClean());
    }

    @Test
    void tornTailIsTheEndStatusNotAProblem() throws IOException {
        Path torn = StreamSurgery.copy(sample.file(), "torn.stream");
        Span cut = StreamSurgery.frames(torn, FrameKind.TENSOR).get(30);
        StreamSurgery.truncate(torn, cut.offset() + 17);
        Verification v = verify(torn);
        assertTrue(v.tornTailOnly(), v.problems().toString());
        assertEquals(StreamEnd.Status.TORN, v.end().status());
        assertEquals(cut.offset(), v.end().offset());
        assertEquals(17, v.end().trailingBytes());
        assertFalse(v.census().closedCleanly());
    }

    @Test
    void missingEndFrameFailsEvenWhenTheFramingIsComplete() throws IOException {
        Path noEnd = StreamSurgery.copy(sample.file(), "no-end.stream");
        Span end = StreamSurgery.frames(noEnd, FrameKind.END).get(0);
        StreamSurgery.truncate(noEnd, end.offset());
        Verification v = verify(noEnd);
        assertTrue(v.end().isClean());
        assertFalse(v.passed());
        assertEquals(1, v.problems().size());
        assertEquals(end.offset(), v.problems().get(0).offset());
        assertTrue(v.problems().get(0).message().contains("no __end frame"), v.problems().get(0).message());
    }

    /** Drops are loss the writer counted, not damage: listed, and the stream still passes. */
    @Test
    void recordedDropsAreWarnings() throws IOException {
        Path p = dir.resolve("drops.stream");
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(p).maxMemory(8L << 20).maxTensor(4096)
                .threads(1).sidecar(false).build();
        try (ActivationCapture cap = ActivationCapture.open(cfg, m -> { })) {
            assertTrue(cap.captureTensor("small", new long[] {4}, 1, 0, new float[4]));
            assertFalse(cap.captureTensor("huge", new long[] {2048}, 1, 0, new float[2048]));
            assertFalse(cap.captureTensor("huge", new long[] {2048}, 1, 1, new float[2048]));
        }
        Verification v = verify(p);
        assertTrue(v.passed(), v.problems().toString());
        assertEquals(Map.of("too_large", 2L), v.census().drops());
        assertEquals(2, v.census().totalDrops());
        assertEquals(1, v.warnings().size());
        assertTrue(v.warnings().get(0).message().contains("2 dropped"), v.warnings().get(0).message());
    }

    /** A crash, then a resume: the __resume frame says where and how much was cut, and the result verifies. */
    @Test
    void resumePointsAreListed() throws IOException {
        Path p = StreamSurgery.copy(sample.file(), "resumed.stream");
        Span cut = StreamSurgery.frames(p, FrameKind.TENSOR).get(12);
        StreamSurgery.truncate(p, cut.offset() + 40);
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(p).maxMemory(8L << 20).maxTensor(1L << 20)
                .threads(1).sidecar(false).resume(true).build();
        try (ActivationCapture cap = ActivationCapture.open(cfg, m -> { })) {
            assertTrue(cap.captureTensor("model.layers.0.mlp", new long[] {1, 1, 4}, 7, 9, new float[] {1, 0, 2, 0}));
            assertTrue(cap.recordToken(7, 9, 42, "!", true));
        }
        Verification v = verify(p);
        assertTrue(v.passed(), v.problems().toString());
        assertEquals(1, v.census().resumes().size());
        ResumePoint rp = v.census().resumes().get(0);
        assertEquals(cut.offset(), rp.resumedAt());
        assertEquals(cut.offset(), rp.frameOffset());
        assertEquals(40, rp.truncatedBytes());
        assertFalse(rp.fromCheckpoint());
        assertEquals(12 + 1, v.tensorsDecoded());
        assertTrue(Files.size(p) > cut.offset());
    }
}
