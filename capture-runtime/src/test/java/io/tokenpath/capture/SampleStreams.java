package io.tokenpath.capture;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes small but realistic streams through the real capture pipeline and remembers exactly what went in, so
 * tests can compare what the tools report against the truth.
 *
 * <p>Shape of the run: a two-layer model with hidden size 16; each layer captures self_attn and mlp outputs
 * ({@code [1, seq, 16]}: the prompt length at the prefill step 0, then 1 per decode step) and the attention scores
 * ({@code [1, 2, seq, context]}: the last dimension grows with the context, so it varies from frame to frame).
 * MLP outputs are ReLU'd (exact zeros, so sparsity is not trivial). Two requests are interleaved as a batching
 * server would: request 7 (prompt 5, 4 tokens) and request 9 (prompt 3, 3 tokens).
 */
public final class SampleStreams {
    private SampleStreams() {}

    public static final int HIDDEN = 16;
    public static final List<String> LAYERS = List.of("model.layers.0.self_attn", "model.layers.0.mlp",
            "model.layers.0.attn_scores", "model.layers.1.self_attn", "model.layers.1.mlp");

    public record Tensor(String layer, long request, int step, long[] shape, float[] values) {}

    public record Token(long request, int step, int id, String text, boolean last) {}

    public record Written(Path file, List<Tensor> tensors, List<Token> tokens) {
        public List<Tensor> of(String layer) {
            return tensors.stream().filter(t -> t.layer.equals(layer)).toList();
        }
    }

    private record Request(long id, int prompt, List<String> tokens) {}

    private static final List<Request> REQUESTS = List.of(
            new Request(7, 5, List.of("The", " cat", " sat", ".")),
            new Request(9, 3, List.of("Hello", ",", " world")));

    /** Lossless: shuffle + LZ4 (the balanced preset). */
    public static Written lossless(Path file) throws IOException {
        return write(file, config(file));
    }

    /** Lossy: fp16 + shuffle + Zstd (the max_compression encoding). */
    public static Written lossy(Path file) throws IOException {
        return write(file, config(file).codec(Codec.ZSTD).transform(Transform.FP16));
    }

    /** Uncompressed: every payload byte is the data itself, so a flipped byte can only be caught by the CRC. */
    public static Written uncompressed(Path file) throws IOException {
        return write(file, config(file).codec(Codec.NONE).shuffle(false));
    }

    private static CaptureConfig.Builder config(Path file) {
        return CaptureConfig.builder(Preset.BALANCED).output(file).maxMemory(8L << 20).maxTensor(1L << 20).threads(1)
                .sidecar(false).metadata("model", "tiny-test-lm");
    }

    private static Written write(Path file, CaptureConfig.Builder cfg) throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        List<Token> tokens = new ArrayList<>();
        Random rnd = new Random(20251123);
        int maxSteps = REQUESTS.stream().mapToInt(r -> r.tokens.size()).max().orElse(0);
        try (ActivationCapture cap = ActivationCapture.open(cfg.build(), msg -> { })) {
            for (int step = 0; step < maxSteps; step++) {
                for (Request req : REQUESTS) {
                    if (step >= req.tokens.size()) continue;
                    int seq = step == 0 ? req.prompt : 1;
                    int context = req.prompt + step;
                    for (String layer : LAYERS) {
                        long[] shape = layer.endsWith("attn_scores") ? new long[] {1, 2, seq, context}
                                : new long[] {1, seq, HIDDEN};
                        float[] v = values(rnd, layer, shape);
                        if (!cap.captureTensor(layer, shape, req.id, step, v)) {
                            throw new IllegalStateException("the sample capture dropped a tensor: " + cap.stats());
                        }
                        tensors.add(new Tensor(layer, req.id, step, shape, v));
                    }
                    boolean last = step == req.tokens.size() - 1;
                    int id = 1000 + (int) req.id * 100 + step;
                    cap.recordToken(req.id, step, id, req.tokens.get(step), last);
                    tokens.add(new Token(req.id, step, id, req.tokens.get(step), last));
                }
            }
        }
        return new Written(file, tensors, tokens);
    }

    private static float[] values(Random rnd, String layer, long[] shape) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        float[] v = new float[n];
        int depth = layer.contains("layers.1") ? 2 : 1;
        for (int i = 0; i < n; i++) {
            if (layer.endsWith("attn_scores")) {
                v[i] = rnd.nextFloat();
            } else if (layer.endsWith("mlp")) {
                v[i] = (float) Math.max(0, rnd.nextGaussian() * depth); // ReLU: about half exact zeros
            } else {
                v[i] = (float) (rnd.nextGaussian() * 0.5 * depth + 0.25);
            }
        }
        return v;
    }
}
