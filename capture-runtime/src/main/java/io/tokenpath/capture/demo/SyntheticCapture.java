package io.tokenpath.capture.demo;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.pipeline.CaptureStats;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a capture shaped like a small decoder LM serving concurrent requests, without a model: per request a
 * prefill step ([1, prompt, hidden] per layer) and decode steps ([1, 1, hidden]), with activation statistics that
 * differ by layer kind (embedding, attention, GELU MLP, residual growth) and drift with the token. It lets people
 * try the stream, the CLI and the Python reader before the agent is attached to a real DJL model; it is not a
 * benchmark and not a model.
 */
public final class SyntheticCapture {
    private SyntheticCapture() {}

    /** The settings of one run. */
    public record Options(Path output, Preset preset, int requests, int promptTokens, int newTokens, int layers, int hidden) {}

    private static final String PROMPT = "The token path of a request: prefill, then one decode step per token. ";

    public static CaptureStats.Snapshot run(Options o) throws IOException, InterruptedException {
        CaptureConfig cfg = CaptureConfig.builder(o.preset()).output(o.output()).checkpointEveryTokens(16)
                .metadata("model", "synthetic-decoder-" + o.layers() + "x" + o.hidden())
                .metadata("source", "tokenpath-stream demo (synthetic activations, no model)").build();
        List<String> blocks = new ArrayList<>();
        blocks.add("00wte");
        for (int l = 0; l < o.layers(); l++) {
            String h = String.format("%02dh%d", l + 1, l);
            blocks.add(h + "/01attn");
            blocks.add(h + "/02mlp");
        }
        blocks.add(String.format("%02dln_f", o.layers() + 1));
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            Thread[] workers = new Thread[o.requests()];
            Throwable[] failure = new Throwable[1];
            for (int r = 0; r < o.requests(); r++) {
                long id = r + 1;
                workers[r] = new Thread(() -> {
                    try {
                        serve(cap, blocks, id, o);
                    } catch (RuntimeException e) {
                        failure[0] = e;
                    }
                }, "synthetic-request-" + id);
                workers[r].start();
            }
            for (Thread t : workers) t.join();
            if (failure[0] != null) throw new IOException("synthetic request failed: " + failure[0], failure[0]);
            cap.close();
            return cap.stats();
        }
    }

    private static void serve(ActivationCapture cap, List<String> blocks, long id, Options o) {
        Random rnd = new Random(id * 7919);
        cap.recordRequestEvent(Json.map("event", "start", "request_id", id, "model", "synthetic",
                "prompt_tokens", (long) o.promptTokens()));
        ByteBuffer buf = ByteBuffer.allocateDirect(o.promptTokens() * o.hidden() * 4).order(ByteOrder.LITTLE_ENDIAN);
        byte[] text = PROMPT.getBytes(StandardCharsets.US_ASCII);
        for (int step = 0; step <= o.newTokens(); step++) {
            int seq = step == 0 ? o.promptTokens() : 1;
            for (int b = 0; b < blocks.size(); b++) {
                if (!cap.selects(blocks.get(b), blocks.get(b).contains("attn") ? "SelfAttention" : "Block")) continue;
                fill(buf, blocks.get(b), b, seq, o.hidden(), step, rnd);
                cap.captureTensor(blocks.get(b), io.tokenpath.capture.format.DType.FLOAT32,
                        new long[] {1, seq, o.hidden()}, id, step, buf);
            }
            int tok = text[(int) ((id * 13 + step) % text.length)];
            cap.recordToken(id, step, tok, String.valueOf((char) tok), step == o.newTokens());
        }
        cap.recordRequestEvent(Json.map("event", "end", "request_id", id, "finish_reason", "length",
                "output_tokens", (long) o.newTokens() + 1));
    }

    /** Activations whose scale grows with depth (the residual stream) and whose shape depends on the block kind. */
    private static void fill(ByteBuffer buf, String block, int depth, int seq, int hidden, int step, Random rnd) {
        buf.clear();
        double scale = 0.5 + 0.15 * depth + 0.01 * step;
        boolean mlp = block.endsWith("mlp");
        for (int i = 0; i < seq * hidden; i++) {
            double x = rnd.nextGaussian() * scale;
            if (i % hidden == 7) x *= 20; // the outlier feature real LLM activations show
            if (mlp) x = 0.5 * x * (1 + Math.tanh(0.7978845608 * (x + 0.044715 * x * x * x))); // GELU
            buf.putFloat((float) x);
        }
        buf.flip();
    }
}
