package io.tokenpath.capture.analysis;

import io.tokenpath.capture.ReferenceStats;
import io.tokenpath.capture.SampleStreams;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ActivationAnalysisTest {
    @TempDir
    static Path dir;
    static SampleStreams.Written lossless;
    static SampleStreams.Written lossy;

    @BeforeAll
    static void write() throws IOException {
        lossless = SampleStreams.lossless(dir.resolve("a.stream"));
        lossy = SampleStreams.lossy(dir.resolve("lossy.stream"));
    }

    static ActivationAnalysis analyse(Path p, TensorSelector sel) throws IOException {
        try (StreamReader r = StreamReader.open(p)) {
            return ActivationAnalysis.run(r, sel);
        }
    }

    @Test
    void everyCellEqualsTheStatisticsOfTheValuesWritten() throws IOException {
        ActivationAnalysis a = analyse(lossless.file(), TensorSelector.all());
        assertEquals(SampleStreams.LAYERS, a.layers().stream().map(LayerSummary::name).toList());
        for (SampleStreams.Tensor t : lossless.tensors()) {
            ActivationStats got = a.cell(t.layer(), new TokenKey(t.request(), t.step()));
            ReferenceStats.assertClose(ReferenceStats.of(t.values()), got);
        }
        for (String layer : SampleStreams.LAYERS) {
            float[] all = ReferenceStats.concat(lossless.of(layer));
            LayerSummary l = a.layers().stream().filter(x -> x.name().equals(layer)).findFirst().orElseThrow();
            ReferenceStats.assertClose(ReferenceStats.of(all), l.stats());
            assertEquals(7, l.frames());
            assertEquals(0.0, l.maxAbsError());
            assertEquals(all.length * 4L, l.sourceBytes());
        }
    }

    /** Bytes per token are the file bytes of the tensor frames carrying that (request, step), read independently. */
    @Test
    void bytesAndFramesAreAttributedToTheTokenTheyCarry() throws IOException {
        Map<TokenKey, long[]> truth = new HashMap<>();
        try (StreamReader r = StreamReader.open(lossless.file())) {
            for (Frame f : r) {
                if (f.kind() != FrameKind.TENSOR) continue;
                long[] c = truth.computeIfAbsent(new TokenKey(f.tensorHeader().requestId(), f.tensorHeader().step()),
                        k -> new long[2]);
                c[0]++;
                c[1] += f.totalLength();
            }
        }
        ActivationAnalysis a = analyse(lossless.file(), TensorSelector.all());
        assertEquals(7, a.tokens().size());
        for (TokenSummary t : a.tokens()) {
            assertEquals(truth.get(t.key())[0], t.tensorFrames(), t.key().toString());
            assertEquals(truth.get(t.key())[1], t.fileBytes(), t.key().toString());
        }
        List<String> texts = a.tokens().stream().map(TokenSummary::text).toList();
        assertEquals(List.of("The", " cat", " sat", ".", "Hello", ",", " world"), texts, "ordered by request, step");
        assertEquals(5, a.tokens().get(0).tensorFrames());
        assertEquals(lossless.tensors().stream().mapToLong(t -> t.values().length * 4L).sum(), a.sourceBytes());
        assertEquals((double) a.sourceBytes() / a.tensorFileBytes(), a.compressionRatio());
    }

    @Test
    void selectionNarrowsLayersAndTokens() throws IOException {
        ActivationAnalysis a = analyse(lossless.file(), TensorSelector.all().layerMatching("mlp").request(9));
        assertEquals(List.of("model.layers.0.mlp", "model.layers.1.mlp"), a.layers().stream().map(LayerSummary::name).toList());
        assertEquals(3, a.tokens().size());
        assertTrue(a.tokens().stream().allMatch(t -> t.key().requestId() == 9 && t.tensorFrames() == 2));
        assertNull(a.cell("model.layers.0.self_attn", new TokenKey(9, 0)));
    }

    /** Lossy frames: statistics of what the reader reconstructs, within the error bound each frame recorded. */
    @Test
    void lossyStatisticsStayWithinTheRecordedError() throws IOException {
        ActivationAnalysis a = analyse(lossy.file(), TensorSelector.all());
        for (LayerSummary l : a.layers()) {
            assertTrue(l.maxAbsError() > 0, l.name() + " is fp16: its error bound must be positive");
            ActivationStats want = ReferenceStats.of(ReferenceStats.concat(lossy.of(l.name())));
            double e = l.maxAbsError();
            assertEquals(want.mean(), l.stats().mean(), e);
            assertEquals(want.min(), l.stats().min(), e);
            assertEquals(want.max(), l.stats().max(), e);
            assertEquals(want.std(), l.stats().std(), 2 * e);
            assertEquals(want.l2(), l.stats().l2(), e * Math.sqrt(want.count()));
        }
    }
}
