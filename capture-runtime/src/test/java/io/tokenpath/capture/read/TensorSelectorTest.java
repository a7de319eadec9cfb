package io.tokenpath.capture.read;

import io.tokenpath.capture.SampleStreams;
import io.tokenpath.capture.format.StreamFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

class TensorSelectorTest {
    @TempDir
    static Path dir;
    static SampleStreams.Written sample;

    @BeforeAll
    static void write() throws IOException {
        sample = SampleStreams.lossless(dir.resolve("sel.stream"));
    }

    /** (layer, request, step) of each selected frame, in stream order. */
    private static List<String> select(TensorSelector sel) throws IOException {
        List<String> got = new ArrayList<>();
        try (StreamReader r = StreamReader.open(sample.file())) {
            for (Frame f : sel.select(r)) {
                got.add(f.name() + "/" + f.tensorHeader().requestId() + "/" + f.tensorHeader().step());
            }
        }
        return got;
    }

    private static List<String> expected(Predicate<SampleStreams.Tensor> p) {
        return sample.tensors().stream().filter(p).map(t -> t.layer() + "/" + t.request() + "/" + t.step()).toList();
    }

    @Test
    void allSelectsEveryTensorFrameInStreamOrder() throws IOException {
        assertEquals(expected(t -> true), select(TensorSelector.all()));
        assertEquals(35, select(TensorSelector.all()).size());
        assertTrue(TensorSelector.all().selectsAll());
    }

    @Test
    void exactLayerNameDoesNotMatchPrefixes() throws IOException {
        List<String> got = select(TensorSelector.all().layer("model.layers.0.mlp"));
        assertEquals(expected(t -> t.layer().equals("model.layers.0.mlp")), got);
        assertEquals(7, got.size());
        assertTrue(select(TensorSelector.all().layer("model.layers.0")).isEmpty());
    }

    @Test
    void regexMatchesAnywhereInTheName() throws IOException {
        assertEquals(expected(t -> t.layer().endsWith("self_attn")), select(TensorSelector.all().layerMatching("self_attn$")));
        assertEquals(expected(t -> t.layer().startsWith("model.layers.1.")),
                select(TensorSelector.all().layerMatching("layers\\.1\\.")));
    }

    @Test
    void requestAndStepRangeCombineWithTheLayer() throws IOException {
        TensorSelector sel = TensorSelector.all().layerMatching("mlp").request(7).steps(1, 2);
        assertEquals(expected(t -> t.layer().endsWith("mlp") && t.request() == 7 && t.step() >= 1 && t.step() <= 2),
                select(sel));
        assertEquals(4, select(sel).size());
        assertEquals("layer regex 'mlp', request 7, steps 1..2", sel.toString());
        assertFalse(sel.selectsAll());
    }

    @Test
    void invalidRegexIsReportedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorSelector.all().layerMatching("attn("));
        assertTrue(e.getMessage().contains("invalid layer regex 'attn('"), e.getMessage());
    }

    @Test
    void emptyStepRangeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TensorSelector.all().steps(3, 2));
    }

    /**
     * Laziness, observed: the tensor header of one mlp frame is made invalid. Selections that reject it by name never
     * read it; one that needs its header reports the damage with the frame's offset instead of skipping it.
     */
    @Test
    void framesRejectedByNameAreNeverRead() throws IOException {
        Path broken = dir.resolve("broken-header.stream");
        Files.copy(sample.file(), broken);
        long victim;
        try (StreamReader r = StreamReader.open(broken)) {
            Frame f = r.frames().filter(x -> x.name().equals("model.layers.0.mlp")).skip(2).findFirst().orElseThrow();
            victim = f.offset();
            long codecByte = f.endOffset() - f.dataLength() + 2;
            try (FileChannel ch = FileChannel.open(broken, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {9}), codecByte); // codec 9 does not exist
            }
        }
        try (StreamReader r = StreamReader.open(broken)) {
            int n = 0;
            for (Frame f : TensorSelector.all().layerMatching("self_attn").request(7).select(r)) n++;
            assertEquals(8, n);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
                for (Frame f : TensorSelector.all().layer("model.layers.0.mlp").request(9).select(r)) f.name();
            });
            StreamFormatException cause = assertInstanceOf(StreamFormatException.class, e.getCause());
            assertEquals(victim, cause.offset());
            assertTrue(cause.getMessage().contains("unknown codec code 9"), cause.getMessage());
        }
    }
}
