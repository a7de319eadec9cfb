package io.tokenpath.capture.export;

import io.tokenpath.capture.ReferenceStats;
import io.tokenpath.capture.SampleStreams;
import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ExportTest {
    @TempDir
    static Path dir;
    static SampleStreams.Written sample;

    @BeforeAll
    static void write() throws IOException {
        sample = SampleStreams.lossless(dir.resolve("export.stream"));
    }

    static List<NpyExporter.LayerFiles> npy(Path stream, TensorSelector sel, Path out) throws IOException {
        try (StreamReader r = StreamReader.open(stream)) {
            return NpyExporter.export(r, sel, out);
        }
    }

    @Test
    void oneNpyPerLayerWithRowsInStreamOrder() throws IOException {
        Path out = dir.resolve("npy");
        List<NpyExporter.LayerFiles> files = npy(sample.file(), TensorSelector.all(), out);
        assertEquals(SampleStreams.LAYERS, files.stream().map(NpyExporter.LayerFiles::layer).toList());
        for (NpyExporter.LayerFiles l : files) {
            if (l.layer().endsWith("attn_scores")) continue;
            assertFalse(l.perFrame());
            assertEquals(out.resolve(l.layer() + ".npy"), l.npyFiles().get(0));
            NpyFile f = NpyFile.read(l.npyFiles().get(0));
            // Prefill of 5 + 3 prompt tokens, then 3 + 2 decode steps of one row each.
            assertArrayEquals(new long[] {13, SampleStreams.HIDDEN}, f.shape());
            assertFalse(f.fortranOrder());
            List<SampleStreams.Tensor> ts = sample.of(l.layer());
            assertArrayEquals(ReferenceStats.concat(ts), f.data(), l.layer());
            List<String> index = Files.readAllLines(l.index(), StandardCharsets.UTF_8);
            assertEquals("row_start,rows,request_id,step,shape,frame_offset", index.get(0));
            assertEquals(8, index.size());
            assertTrue(index.get(1).startsWith("0,5,7,0,\"[1, 5, 16]\","), index.get(1));
            assertTrue(index.get(2).startsWith("5,3,9,0,\"[1, 3, 16]\","), index.get(2));
            assertTrue(index.get(3).startsWith("8,1,7,1,\"[1, 1, 16]\","), index.get(3));
        }
    }

    /** Attention scores grow with the context: no common row width, so one file per frame in its own shape. */
    @Test
    void varyingLastDimensionGoesOneFilePerFrame() throws IOException {
        Path out = dir.resolve("npy-frames");
        NpyExporter.LayerFiles l = npy(sample.file(), TensorSelector.all().layer("model.layers.0.attn_scores"), out).get(0);
        assertTrue(l.perFrame());
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L), l.lastDims());
        List<SampleStreams.Tensor> ts = sample.of("model.layers.0.attn_scores");
        assertEquals(ts.size(), l.npyFiles().size());
        for (int k = 0; k < ts.size(); k++) {
            NpyFile f = NpyFile.read(l.npyFiles().get(k));
            assertArrayEquals(ts.get(k).shape(), f.shape());
            assertArrayEquals(ts.get(k).values(), f.data());
            assertEquals(out.resolve("model.layers.0.attn_scores.frames").resolve(k + ".npy"), l.npyFiles().get(k));
        }
        List<String> index = Files.readAllLines(l.index(), StandardCharsets.UTF_8);
        assertEquals("file,request_id,step,shape,frame_offset", index.get(0));
        assertTrue(index.get(1).startsWith("model.layers.0.attn_scores.frames/0.npy,7,0,\"[1, 2, 5, 5]\","), index.get(1));
    }

    /** Lossy frames export what the reader reconstructs, bit for bit. */
    @Test
    void lossyFramesExportTheDecodedValues() throws IOException {
        SampleStreams.Written lossy = SampleStreams.lossy(dir.resolve("lossy-export.stream"));
        Path out = dir.resolve("npy-lossy");
        NpyExporter.LayerFiles l = npy(lossy.file(), TensorSelector.all().layer("model.layers.1.mlp"), out).get(0);
        List<float[]> decoded = new ArrayList<>();
        try (StreamReader r = StreamReader.open(lossy.file())) {
            for (Frame f : TensorSelector.all().layer("model.layers.1.mlp").select(r)) decoded.add(f.decode().floats());
        }
        float[] want = new float[decoded.stream().mapToInt(x -> x.length).sum()];
        int at = 0;
        for (float[] d : decoded) {
            System.arraycopy(d, 0, want, at, d.length);
            at += d.length;
        }
        assertArrayEquals(want, NpyFile.read(l.npyFiles().get(0)).data());
        assertFalse(Arrays.equals(ReferenceStats.concat(lossy.of("model.layers.1.mlp")), want),
                "fp16 must actually have changed values");
    }

    @Test
    void safetensorsHoldsEveryFrameUnderItsPosition() throws IOException {
        Path file = dir.resolve("all.safetensors");
        SafetensorsExporter.Result res;
        try (StreamReader r = StreamReader.open(sample.file())) {
            res = SafetensorsExporter.export(r, TensorSelector.all(), file, Map.of("source_stream", "export.stream"));
        }
        assertEquals(35, res.tensors());
        assertEquals(0, (8 + res.headerBytes()) % 8, "data section is 8-byte aligned");
        SafetensorsFile st = SafetensorsFile.read(file);
        assertEquals(Map.of("source_stream", "export.stream"), st.metadata());
        assertEquals(35, st.tensors().size());
        for (SampleStreams.Tensor t : sample.tensors()) {
            String name = t.layer() + "/r" + t.request() + "/s" + t.step();
            assertArrayEquals(t.shape(), st.shapes().get(name), name);
            assertArrayEquals(t.values(), st.tensors().get(name), name);
        }
    }

    /** A block called twice in one step: the second frame at that position gets "#1". */
    @Test
    void repeatedPositionsGetASuffix() throws IOException {
        Path p = dir.resolve("repeat.stream");
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(p).maxMemory(8L << 20).maxTensor(1L << 20)
                .threads(1).sidecar(false).build();
        try (ActivationCapture cap = ActivationCapture.open(cfg, m -> { })) {
            cap.captureTensor("block", new long[] {2}, 1, 0, new float[] {1, 2});
            cap.captureTensor("block", new long[] {2}, 1, 0, new float[] {3, 4});
            cap.captureTensor("block", new long[] {3}, 1, 0, new float[] {5, 6, 7});
        }
        Path file = dir.resolve("repeat.safetensors");
        try (StreamReader r = StreamReader.open(p)) {
            SafetensorsExporter.export(r, TensorSelector.all(), file, Map.of());
        }
        SafetensorsFile st = SafetensorsFile.read(file);
        assertEquals(List.of("block/r1/s0", "block/r1/s0#1", "block/r1/s0#2"), new ArrayList<>(st.tensors().keySet()));
        assertArrayEquals(new float[] {3, 4}, st.tensors().get("block/r1/s0#1"));
        assertArrayEquals(new float[] {5, 6, 7}, st.tensors().get("block/r1/s0#2"));
    }

    @Test
    void nothingSelectedWritesNothing() throws IOException {
        Path out = dir.resolve("none");
        assertEquals(List.of(), npy(sample.file(), TensorSelector.all().layer("no.such.layer"), out));
        assertFalse(Files.exists(out));
        try (StreamReader r = StreamReader.open(sample.file())) {
            assertNull(SafetensorsExporter.export(r, TensorSelector.all().request(12345), dir.resolve("none.st"), Map.of()));
        }
        assertFalse(Files.exists(dir.resolve("none.st")));
    }

    @Test
    void fileNamesAreSafeAndDistinct() {
        FileNames n = new FileNames();
        assertEquals("model_layers_0_attn", n.unique("model/layers:0 attn"));
        assertEquals("model_layers_0_attn-2", n.unique("model_layers_0_attn"));
        assertEquals("Block", n.unique("Block"));
        assertEquals("block-2", n.unique("block"), "names differing only in case collide on macOS and Windows");
        assertEquals("_..", n.unique(".."));
        assertEquals("_.hidden", n.unique(".hidden"));
        assertEquals("layer_", n.unique("layer\u00e9"));
        assertTrue(n.unique("x".repeat(500)).length() <= 160);
    }

    @Test
    void npyHeaderIsAlignedForEveryRank() throws IOException {
        for (long[] shape : new long[][] {{}, {5}, {2, 3}, {1, 2, 3, 4}, {123456789L, 4096}}) {
            byte[] h = NpyHeader.of("<f4", shape);
            assertEquals(0, h.length % 64, Arrays.toString(shape));
            long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (n > 1000) continue;
            Path p = dir.resolve("h" + shape.length + ".npy");
            byte[] file = Arrays.copyOf(h, h.length + (int) n * 4);
            Files.write(p, file);
            assertArrayEquals(shape, NpyFile.read(p).shape());
        }
        assertTrue(new String(NpyHeader.of("<f4", new long[] {5}), StandardCharsets.US_ASCII).contains("'shape': (5,)"));
    }
}
