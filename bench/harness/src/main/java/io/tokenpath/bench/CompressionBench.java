package io.tokenpath.bench;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.OverflowPolicy;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.pipeline.CaptureStats;
import io.tokenpath.capture.read.DecodedTensor;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compression ratio and reconstruction error of every codec/transform on four synthetic distributions. Each
 * (mode, distribution) writes a real stream through {@link ActivationCapture} and reads it back through
 * {@link StreamReader}: the errors are those of the decoded file, not of an in-memory encoder.
 *
 * <p>Ratio = float32 source bytes / encoded payload bytes (the capture's {@code bytesEncoded}; per-frame headers,
 * about 100 bytes per 2 MiB tensor, are not counted). Errors: max |x' - x|; max |x' - x| / |x| over |x| > 1e-3;
 * MSE = mean (x' - x)^2; all over every value of the distribution's tensors.
 */
final class CompressionBench {
    private CompressionBench() {}

    static final int HIDDEN = 4096;
    static final int TOKENS = 128;
    static final double MSE_TARGET = 1e-4;
    static final double RATIO_TARGET = 4.0;

    static List<Mode> modes() {
        List<Mode> m = new ArrayList<>();
        m.add(Mode.lossless("none", Codec.NONE, false, 3));
        m.add(Mode.lossless("lz4", Codec.LZ4, false, 3));
        m.add(Mode.lossless("shuffle+lz4", Codec.LZ4, true, 3));
        m.add(Mode.lossless("zstd3", Codec.ZSTD, false, 3));
        m.add(Mode.lossless("shuffle+zstd3", Codec.ZSTD, true, 3));
        m.add(Mode.lossless("zstd9", Codec.ZSTD, false, 9));
        m.add(Mode.lossless("shuffle+zstd9", Codec.ZSTD, true, 9));
        m.add(Mode.lossy("fp16", Transform.FP16, 64, Codec.NONE, false, 3));
        m.add(Mode.lossy("fp16+shuffle+zstd3", Transform.FP16, 64, Codec.ZSTD, true, 3));
        m.add(Mode.lossy("bf16", Transform.BF16, 64, Codec.NONE, false, 3));
        m.add(Mode.lossy("bf16+shuffle+zstd3", Transform.BF16, 64, Codec.ZSTD, true, 3));
        m.add(Mode.lossy("int8_block64", Transform.INT8_BLOCK, 64, Codec.NONE, false, 3));
        m.add(Mode.lossy("int8_block64+zstd3", Transform.INT8_BLOCK, 64, Codec.ZSTD, false, 3));
        m.add(Mode.lossy("int8_block32", Transform.INT8_BLOCK, 32, Codec.NONE, false, 3));
        m.add(Mode.lossy("int8_block32+zstd3", Transform.INT8_BLOCK, 32, Codec.ZSTD, false, 3));
        // Larger blocks: fewer scales, slightly coarser steps; where int8 first crosses 4x on Gaussian data.
        m.add(Mode.lossy("int8_block128+zstd3", Transform.INT8_BLOCK, 128, Codec.ZSTD, false, 3));
        m.add(Mode.lossy("int8_block256+zstd3", Transform.INT8_BLOCK, 256, Codec.ZSTD, false, 3));
        return m;
    }

    /** One (mode, distribution) measurement. */
    record Cell(Mode mode, Activations.Distribution dist, double ratio, double maxAbs, double maxRel, double mse,
            double recordedMaxAbs, double meanSquare, boolean exact, boolean clean) {
        boolean meetsLossyTarget() {
            return ratio >= RATIO_TARGET && mse < MSE_TARGET;
        }
    }

    static void run(Args a) throws Exception {
        int tensors = a.integer("tensors", 8);
        Path dir = a.has("dir") ? Path.of(a.string("dir", ".")) : Files.createTempDirectory("tokenpath-compression");
        Files.createDirectories(dir);
        List<Mode> modes = modes();
        System.out.printf(Locale.ROOT, "compression: %d tensors of [1, %d, %d] float32 (%.1f MiB) per distribution,"
                + " %d modes, streams in %s%n", tensors, TOKENS, HIDDEN, tensors * (double) TOKENS * HIDDEN * 4 / (1 << 20),
                modes.size(), dir);

        Map<Activations.Distribution, Map<String, Cell>> cells = new EnumMap<>(Activations.Distribution.class);
        for (Activations.Distribution d : Activations.Distribution.values()) {
            float[] data = d.generate(tensors * TOKENS * HIDDEN, HIDDEN, 0x7041_0000L + d.ordinal());
            Map<String, Cell> byMode = new LinkedHashMap<>();
            for (Mode m : modes) byMode.put(m.name(), measure(m, d, data, tensors, dir));
            cells.put(d, byMode);
        }
        if (!a.has("dir")) Files.deleteIfExists(dir);

        // Table 1: ratio per mode and distribution.
        Table ratios = new Table(header("mode", "ratio"));
        for (Mode m : modes) {
            List<Object> r = new ArrayList<>();
            r.add(m.name());
            for (Activations.Distribution d : Activations.Distribution.values()) r.add(Table.f(cells.get(d).get(m.name()).ratio, 3));
            ratios.row(r.toArray());
        }
        System.out.println("\nRatio (float32 source bytes / encoded bytes); higher is smaller:\n");
        System.out.print(ratios.render());

        // Table 2: errors of the lossy modes, read back from the stream.
        Table errs = new Table("mode", "dist", "ratio", "max abs err", "max rel err (|x|>1e-3)", "MSE", "MSE/E[x^2]",
                "recorded max abs", ">=4x & MSE<1e-4");
        boolean allExact = true;
        boolean allClean = true;
        for (Mode m : modes) {
            for (Activations.Distribution d : Activations.Distribution.values()) {
                Cell c = cells.get(d).get(m.name());
                allClean &= c.clean;
                if (!m.lossy()) {
                    allExact &= c.exact;
                    continue;
                }
                errs.row(m.name(), d.label, Table.f(c.ratio, 3), Table.e(c.maxAbs), Table.e(c.maxRel), Table.e(c.mse),
                        Table.e(c.mse / c.meanSquare), Table.e(c.recordedMaxAbs), c.meetsLossyTarget() ? "yes" : "no");
            }
        }
        System.out.println("\nLossy modes, errors of the values read back through StreamReader:\n");
        System.out.print(errs.render());
        System.out.println("\nLossless modes read back bit-identical: " + (allExact ? "yes" : "NO")
                + "; every stream ended clean: " + (allClean ? "yes" : "NO"));

        System.out.println();
        System.out.println(resultLine(cells, modes, allExact && allClean));
    }

    private static String[] header(String first, String what) {
        List<String> h = new ArrayList<>();
        h.add(first);
        for (Activations.Distribution d : Activations.Distribution.values()) h.add(d.label);
        return h.toArray(new String[0]);
    }

    static Cell measure(Mode m, Activations.Distribution d, float[] data, int tensors, Path dir) throws IOException {
        Path out = dir.resolve("compression-" + d.label + "-" + m.key() + ".stream");
        CaptureConfig cfg = m.apply(CaptureConfig.builder(Preset.BALANCED)).output(out).threads(2)
                .maxMemory(128L << 20).maxTensor(4L << 20).policy(OverflowPolicy.BLOCK).sidecar(false).build();
        int per = TOKENS * HIDDEN;
        ByteBuffer buf = ByteBuffer.allocateDirect(per * 4).order(ByteOrder.LITTLE_ENDIAN);
        ActivationCapture cap = ActivationCapture.open(cfg, msg -> System.err.println("[capture] " + msg));
        try {
            for (int t = 0; t < tensors; t++) {
                buf.clear();
                buf.asFloatBuffer().put(data, t * per, per);
                if (!cap.captureTensor("layers." + t + ".out", DType.FLOAT32, new long[] {1, TOKENS, HIDDEN}, 0, t, buf)) {
                    throw new IllegalStateException("capture dropped a tensor: " + cap.stats().drops());
                }
            }
        } finally {
            cap.close();
        }
        CaptureStats.Snapshot st = cap.stats();
        double maxAbs = 0;
        double maxRel = 0;
        double sumSq = 0;
        double sumX2 = 0;
        double recorded = 0;
        boolean exact = true;
        boolean clean;
        int seen = 0;
        try (StreamReader r = StreamReader.open(out)) {
            for (Frame f : r) {
                if (f.kind() != FrameKind.TENSOR) continue;
                DecodedTensor t = f.decode();
                TensorHeader h = t.header();
                recorded = Math.max(recorded, h.maxAbsError());
                float[] got = t.floats();
                int base = h.step() * per;
                for (int i = 0; i < got.length; i++) {
                    float x = data[base + i];
                    double err = Math.abs((double) got[i] - x);
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(x)) exact = false;
                    if (err > maxAbs) maxAbs = err;
                    if (Math.abs(x) > 1e-3) maxRel = Math.max(maxRel, err / Math.abs(x));
                    sumSq += err * err;
                    sumX2 += (double) x * x;
                }
                seen++;
            }
            clean = r.end().isClean() && seen == tensors;
        }
        Files.deleteIfExists(out);
        long n = (long) tensors * per;
        return new Cell(m, d, (double) st.bytesSource() / st.bytesEncoded(), maxAbs, maxRel, sumSq / n, recorded,
                sumX2 / n, exact, clean);
    }

    static String resultLine(Map<Activations.Distribution, Map<String, Cell>> cells, List<Mode> modes, boolean ok) {
        StringBuilder sb = new StringBuilder("RESULT compression");
        Map<String, Cell> g = cells.get(Activations.Distribution.GAUSSIAN);
        for (Activations.Distribution d : Activations.Distribution.values()) {
            Cell best = null;
            for (Mode m : modes) {
                Cell c = cells.get(d).get(m.name());
                if (!m.lossy() && (best == null || c.ratio > best.ratio)) best = c;
            }
            sb.append(String.format(Locale.ROOT, " best_lossless_%s=%.3f best_lossless_%s_mode=%s", d.label, best.ratio,
                    d.label, best.mode.key()));
        }
        sb.append(String.format(Locale.ROOT, " zstd3_gaussian=%.3f shuffle_zstd3_gaussian=%.3f shuffle_zstd_vs_zstd_gaussian=%.3f",
                g.get("zstd3").ratio, g.get("shuffle+zstd3").ratio, g.get("shuffle+zstd3").ratio / g.get("zstd3").ratio));
        double minGain = Double.MAX_VALUE;
        for (Activations.Distribution d : Activations.Distribution.values()) {
            minGain = Math.min(minGain, cells.get(d).get("shuffle+zstd3").ratio / cells.get(d).get("zstd3").ratio);
        }
        sb.append(String.format(Locale.ROOT, " shuffle_zstd_vs_zstd_min_all=%.3f", minGain));

        // The lossy mode that is >= 4x smaller with MSE < 1e-4 on Gaussian data: the lowest MSE among those that
        // qualify (higher ratio breaks ties); also whether it qualifies on all four distributions.
        Cell pick = null;
        for (Mode m : modes) {
            Cell c = g.get(m.name());
            if (!m.lossy() || !c.meetsLossyTarget()) continue;
            if (pick == null || c.mse < pick.mse || (c.mse == pick.mse && c.ratio > pick.ratio)) pick = c;
        }
        if (pick == null) {
            sb.append(" lossy_4x_mode=none");
        } else {
            boolean all = true;
            double worstMse = 0;
            double worstMaxAbs = 0;
            double minRatio = Double.MAX_VALUE;
            for (Activations.Distribution d : Activations.Distribution.values()) {
                Cell c = cells.get(d).get(pick.mode.name());
                all &= c.meetsLossyTarget();
                worstMse = Math.max(worstMse, c.mse);
                worstMaxAbs = Math.max(worstMaxAbs, c.maxAbs);
                minRatio = Math.min(minRatio, c.ratio);
            }
            sb.append(String.format(Locale.ROOT, " lossy_4x_mode=%s lossy_4x_ratio=%.3f lossy_4x_mse=%.3e"
                    + " lossy_4x_max_abs=%.3e lossy_4x_max_rel=%.3e lossy_4x_all_dists=%s lossy_4x_min_ratio_all=%.3f"
                    + " lossy_4x_worst_mse_all=%.3e lossy_4x_worst_max_abs_all=%.3e",
                    pick.mode.key(), pick.ratio, pick.mse, pick.maxAbs, pick.maxRel, all, minRatio, worstMse, worstMaxAbs));
        }
        Cell fp16 = g.get("fp16");
        Cell fp16z = g.get("fp16+shuffle+zstd3");
        sb.append(String.format(Locale.ROOT, " fp16_ratio=%.3f fp16_shuffle_zstd3_ratio=%.3f fp16_mse=%.3e fp16_max_abs=%.3e",
                fp16.ratio, fp16z.ratio, fp16.mse, fp16.maxAbs));
        Cell bf16z = g.get("bf16+shuffle+zstd3");
        sb.append(String.format(Locale.ROOT, " bf16_shuffle_zstd3_ratio=%.3f bf16_mse=%.3e", bf16z.ratio, bf16z.mse));
        sb.append(" roundtrip_ok=").append(ok);
        return sb.toString();
    }
}
