package io.tokenpath.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Activation capture under continuous batching: four sequences join a DJL ContrastiveSeqBatchScheduler after 0, 0,
 * 3 and 5 steps, so every forward computes rows of several requests. Each batched request must read back as its
 * own capture request: its token frames are the tokens the application got, in order; its prefill embedding is
 * wte(its prompt) byte for byte; and at every step its candidate rows hold the embedding of the token it chose
 * (contrastive search embeds its top-k candidates, one of which it keeps), never another request's.
 */
class BatchedCaptureIT {
    private static final int PROMPT = 16;
    private static final int NEW_TOKENS = 12;
    private static final int TOP_K = 4;

    private static final String APP = String.join("\n",
            "import io.tokenpath.samples.model.*;",
            "import java.util.*;",
            "public class BatchCaptureApp { public static void main(String[] a) throws Exception {",
            "  io.tokenpath.samples.DjlDefaults.apply();",
            "  int[] joins = {0, 0, 3, 5};",
            "  List<String> prompts = io.tokenpath.samples.load.PromptSet.generate(joins.length, 16, 0.0, 11);",
            "  try (LanguageModel model = LanguageModel.load(ModelConfig.TINY);",
            "       var predictor = model.newPredictor(new CausalLmTranslator(model.config()));",
            "       ContinuousBatch batch = new ContinuousBatch(model, predictor, 16 + 12, 64)) {",
            "    int next = 0;",
            "    for (int step = 0; next < joins.length || batch.size() > 0; step++) {",
            "      while (next < joins.length && joins[next] == step) {",
            "        System.out.println(\"PROMPT \" + next + \" \" + Arrays.toString(ByteTokenizer.encode(prompts.get(next))));",
            "        batch.join(next, ByteTokenizer.encode(prompts.get(next))); next++;",
            "      }",
            "      for (var e : batch.step().entrySet()) System.out.println(\"TOKENS \" + e.getKey() + \" \" + Arrays.toString(e.getValue()));",
            "    }",
            "  }",
            "}}");

    @Test
    void everyBatchedRequestReadsBackAsItsOwn() throws Exception {
        Path stream = Files.createTempDirectory("tp-batch-capture").resolve("batch.stream");
        String out = SampleService.runApp("BatchCaptureApp", APP, "helper.mode=off,capture.output=" + stream
                + ",capture.preset=fast_capture,capture.include=01wte", SampleService.samplesClassPath());
        Map<Long, long[]> prompts = idsByUid(out, "PROMPT ");
        Map<Long, long[]> tokens = idsByUid(out, "TOKENS ");
        assertEquals(4, prompts.size(), out);
        assertEquals(4, tokens.size(), out);

        Map<Long, Long> uidOfRequest = new HashMap<>();
        Map<Long, List<long[]>> tokenFrames = new HashMap<>(); // request -> [step, id]
        Map<Long, Map<Integer, List<Tensor>>> wte = new HashMap<>(); // request -> step -> 01wte outputs
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) {
                if (f.kind() == FrameKind.REQUEST) {
                    Map<String, Object> e = f.json();
                    if ("start".equals(e.get("event"))) {
                        assertTrue(e.containsKey("batch_uid"), "a batched request names its uid: " + e);
                        uidOfRequest.put(((Number) e.get("request_id")).longValue(), ((Number) e.get("batch_uid")).longValue());
                    }
                } else if (f.kind() == FrameKind.TOKEN) {
                    tokenFrames.computeIfAbsent(f.token().requestId(), k -> new ArrayList<>())
                            .add(new long[] {f.token().step(), f.token().tokenId()});
                } else if (f.kind() == FrameKind.TENSOR && f.name().equals("01wte")) {
                    wte.computeIfAbsent(f.tensorHeader().requestId(), k -> new HashMap<>())
                            .computeIfAbsent(f.tensorHeader().step(), k -> new ArrayList<>())
                            .add(new Tensor(f.tensorHeader().shape(), f.decode().rawBytes()));
                }
            }
            assertTrue(r.end().isClean());
        }
        assertEquals(4, uidOfRequest.size(), "four batched requests, each a capture request of its own");

        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        try (LanguageModel model = LanguageModel.load(ModelConfig.TINY); NDManager m = model.newRequestManager()) {
            int hidden = model.config().hidden();
            Block block = model.block().getChildren().get("01wte");
            long[] all = new long[ByteTokenizer.VOCAB_SIZE];
            for (int i = 0; i < all.length; i++) all[i] = i;
            NDArray ids = m.create(all, new ai.djl.ndarray.types.Shape(1, all.length));
            byte[] table = block.forward(new ParameterStore(m, false), new NDList(ids), false).singletonOrThrow().toByteArray();
            int row = hidden * 4;

            for (Map.Entry<Long, Long> e : uidOfRequest.entrySet()) {
                long request = e.getKey();
                long uid = e.getValue();
                long[] chosen = tokens.get(uid);
                // Token frames: the tokens the application got, step by step.
                List<long[]> frames = tokenFrames.get(request);
                assertNotNull(frames, "token frames of request " + request);
                assertEquals(NEW_TOKENS, frames.size());
                for (int s = 0; s < NEW_TOKENS; s++) {
                    assertEquals(s, frames.get(s)[0]);
                    assertEquals(chosen[s], frames.get(s)[1], "uid " + uid + " token " + s);
                }
                // Prefill: wte(prompt), byte for byte.
                long[] prompt = prompts.get(uid);
                byte[] expected = new byte[prompt.length * row];
                for (int i = 0; i < prompt.length; i++) System.arraycopy(table, (int) prompt[i] * row, expected, i * row, row);
                Tensor prefill = wte.get(request).get(0).stream().filter(t -> t.shape()[1] == PROMPT)
                        .findFirst().orElseThrow(() -> new AssertionError("no prefill frame for uid " + uid));
                assertArrayEquals(new long[] {1, PROMPT, hidden}, prefill.shape());
                assertArrayEquals(expected, prefill.bytes(), "uid " + uid + ": prefill embedding == wte(prompt)");
                // Each step: its top-k candidate rows, one of which is the token it chose.
                for (int s = 0; s < NEW_TOKENS; s++) {
                    byte[] want = Arrays.copyOfRange(table, (int) chosen[s] * row, (int) chosen[s] * row + row);
                    Tensor candidates = wte.get(request).get(s).stream().filter(t -> t.shape()[0] == TOP_K)
                            .findFirst().orElseThrow(() -> new AssertionError("uid " + uid + " step: no candidate frame"));
                    assertArrayEquals(new long[] {TOP_K, 1, hidden}, candidates.shape());
                    byte[] got = candidates.bytes();
                    boolean found = false;
                    for (int k = 0; k < TOP_K && !found; k++) found = Arrays.equals(want, Arrays.copyOfRange(got, k * row, k * row + row));
                    assertTrue(found, "uid " + uid + " step " + s + ": the chosen token " + chosen[s] + " is among its own candidates");
                }
            }
        }
    }

    /** One captured output: its shape and raw bytes. */
    private record Tensor(long[] shape, byte[] bytes) {}

    private static Map<Long, long[]> idsByUid(String out, String prefix) {
        Map<Long, long[]> m = new HashMap<>();
        out.lines().filter(l -> l.startsWith(prefix)).forEach(l -> {
            String[] p = l.substring(prefix.length()).split(" ", 2);
            m.put(Long.parseLong(p[0]), Arrays.stream(p[1].replaceAll("[\\[\\] ]", "").split(",")).mapToLong(Long::parseLong).toArray());
        });
        return m;
    }
}
