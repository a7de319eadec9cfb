package io.tokenpath.capture.config;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.SampleSpec;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.read.DecodedTensor;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Presets change what is written; selection and sampling do what they say; bad settings name the key. */
class PresetAndSelectionTest {
    @TempDir
    Path dir;

    private static final String[][] BLOCKS = {
        {"00wte", "ai.djl.nn.core.Embedding"},
        {"01h0/01ln_1", "ai.djl.nn.norm.LayerNorm"},
        {"01h0/02attn", "com.example.CausalSelfAttention"},
        {"01h0/02attn/01c_proj", "ai.djl.nn.core.Linear"},
        {"01h0/03mlp", "com.example.Mlp"},
        {"01h0/03mlp/01c_fc", "ai.djl.nn.core.Linear"},
        {"02lm_head", "ai.djl.nn.core.Linear"},
    };

    private static List<String> selected(BlockSelector s) {
        return java.util.Arrays.stream(BLOCKS).filter(b -> s.selects(b[0], b[1])).map(b -> b[0]).toList();
    }

    @Test
    void granularitySelectsTheRightBlocks() {
        assertEquals(BLOCKS.length, selected(BlockSelector.of(Granularity.FULL_TENSOR)).size());
        assertEquals(List.of("01h0/02attn"), selected(BlockSelector.of(Granularity.ATTENTION_ONLY)));
        assertEquals(List.of("01h0/03mlp"), selected(BlockSelector.of(Granularity.MLP_ONLY)));
        assertEquals(List.of("00wte", "02lm_head"), selected(BlockSelector.of(Granularity.FULL_TENSOR).withMaxDepth(1)));
        assertEquals(List.of("01h0/02attn/01c_proj", "01h0/03mlp/01c_fc"),
                selected(BlockSelector.of(Granularity.FULL_TENSOR).withInclude(".*/01c_.*")));
        assertEquals(List.of("01h0/02attn", "01h0/02attn/01c_proj"),
                selected(BlockSelector.of(Granularity.ATTENTION_ONLY).withFocus(null, "(?i).*(attention|linear)")
                        .withExclude(".*mlp.*|0[02].*")));
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void eachPresetWritesWhatItPromises(Preset preset) throws Exception {
        Path out = dir.resolve(preset.lowerName() + ".stream");
        CaptureConfig cfg = CaptureConfig.builder(preset).output(out).maxMemory(64L << 20).maxTensor(1L << 20).build();
        Random rnd = new Random(5);
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            for (String[] b : BLOCKS) {
                if (!cap.selects(b[0], b[1])) continue;
                float[] v = new float[4 * 256];
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                assertTrue(cap.captureTensor(b[0], new long[] {1, 4, 256}, 7, 0, v));
            }
        }
        List<String> written;
        try (StreamReader r = StreamReader.open(out)) {
            assertEquals(preset.lowerName(), ((java.util.Map<?, ?>) r.header().metadata().get("config")).get("preset"));
            List<Frame> tensors = r.frames().filter(f -> f.kind() == FrameKind.TENSOR).toList();
            written = tensors.stream().map(Frame::name).toList();
            for (Frame f : tensors) {
                TensorHeader h = f.tensorHeader();
                assertEquals(preset.encoding().transform(), h.transform(), preset + " transform");
                // Incompressible payloads may be stored; Gaussian floats with shuffle always compress.
                assertEquals(preset.encoding().codec(), h.codec(), preset + " codec");
                assertEquals(preset.encoding().shuffle() && preset.encoding().codec() != Codec.NONE, h.shuffled());
            }
        }
        switch (preset) {
            case ATTENTION_ANALYSIS: assertEquals(List.of("01h0/02attn"), written); break;
            case MLP_ANALYSIS: assertEquals(List.of("01h0/03mlp"), written); break;
            default: assertEquals(BLOCKS.length, written.size());
        }
        assertEquals(preset.policy(), cfg.policy());
    }

    @Test
    void builderOverridesAPreset() {
        CaptureConfig c = CaptureConfig.builder(Preset.FAST_CAPTURE).output(dir.resolve("x")).codec(Codec.ZSTD)
                .transform(Transform.BF16).maxMemory(1L << 30).build();
        assertEquals(Codec.ZSTD, c.encoding().codec());
        assertEquals(Transform.BF16, c.encoding().transform());
        assertEquals(OverflowPolicy.DROP, c.policy(), "fields not overridden keep the preset's value");
        assertEquals(1L << 30, c.maxMemory());
        assertTrue(c.ringBytes() + c.scratchBytes() == c.maxMemory(), "ring + scratch is the budget");
    }

    @Test
    void sampledSlicesRecordTheirIndicesAndKeepThoseValues() throws Exception {
        Path out = dir.resolve("sampled.stream");
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(out).granularity(Granularity.SAMPLED_SLICES)
                .sampleCount(16).maxMemory(16L << 20).maxTensor(1L << 20).build();
        float[] v = new float[3 * 100];
        for (int i = 0; i < v.length; i++) v[i] = i;
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            assertTrue(cap.captureTensor("01h0/02attn", new long[] {1, 3, 100}, 1, 0, v));
            assertTrue(cap.captureTensor("small", new long[] {2, 8}, 1, 0, new float[16]));
        }
        try (StreamReader r = StreamReader.open(out)) {
            List<Frame> t = r.frames().filter(f -> f.kind() == FrameKind.TENSOR).toList();
            DecodedTensor d = t.get(0).decode();
            SampleSpec spec = d.header().sample();
            assertNotNull(spec);
            assertEquals(2, spec.axis());
            assertEquals(100, spec.originalLength());
            int[] idx = spec.indices();
            assertEquals(16, idx.length);
            assertArrayEquals(new long[] {1, 3, 16}, d.shape());
            float[] got = d.floats();
            for (int row = 0; row < 3; row++) {
                for (int k = 0; k < 16; k++) assertEquals(v[row * 100 + idx[k]], got[row * 16 + k]);
            }
            assertNull(t.get(1).tensorHeader().sample(), "a last axis no longer than sample_count is kept whole");
        }
    }

    @Test
    void badSettingsNameTheKeyAndTheChoices() {
        CaptureConfig.Builder b = CaptureConfig.builder().output(dir.resolve("y"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.set("codec", "brotli"));
        assertTrue(e.getMessage().startsWith("codec: unknown codec 'brotli' (valid: none, lz4, zstd)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.set("compresion", "lz4"));
        assertTrue(e.getMessage().contains("unknown capture key 'compresion'") && e.getMessage().contains("codec"));
        e = assertThrows(IllegalArgumentException.class, () -> b.set("max_memory", "lots"));
        assertTrue(e.getMessage().contains("max_memory") && e.getMessage().contains("512m"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.set("preset", "turbo"));
        assertTrue(e.getMessage().contains("balanced"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.set("include", "(unclosed"));
        assertTrue(e.getMessage().contains("include"), e.getMessage());
        b.set("max_memory", "4m").set("max_tensor", "2m");
        e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().startsWith("max_memory:"), e.getMessage());
        CaptureConfig ok = CaptureConfig.builder().set("output", dir.resolve("z").toString()).set("preset", "max_compression")
                .set("zstd_level", "5").set("policy", "drop").build();
        assertEquals(5, ok.encoding().zstdLevel());
        assertEquals(Transform.FP16, ok.encoding().transform());
        assertEquals(OverflowPolicy.DROP, ok.policy());
        assertFalse(Files.exists(dir.resolve("z")), "building a config creates nothing");
    }
}
