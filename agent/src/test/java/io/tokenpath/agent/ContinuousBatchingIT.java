package io.tokenpath.agent;

import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Continuous batching through DJL's SeqBatchScheduler, with the real agent jar on a separate JVM. First a scripted
 * schedule (sequences join after given steps and leave when done), where the batch size of every step is known:
 * the agent's batch-size histogram must equal the application's own count of rows per step, bucket for bucket.
 * Then the sample service batching real HTTP requests from two clients: one TTFT per request, exact tokens per
 * client, batch sizes that add up to the tokens generated.
 */
class ContinuousBatchingIT {
    private static final int PROMPT = 16;
    private static final int NEW_TOKENS = 12;
    private static final int[] JOIN_AFTER = {0, 0, 3, 5};

    /** The app: the scripted joins through the samples' ContinuousBatch, its rows per step, then its /metrics. */
    private static final String APP = String.join("\n",
            "import io.tokenpath.samples.model.*;",
            "import java.util.*;",
            "public class BatchApp { public static void main(String[] a) throws Exception {",
            "  io.tokenpath.samples.DjlDefaults.apply();",
            "  int[] joins = Arrays.stream(a[1].split(\",\")).mapToInt(Integer::parseInt).toArray();",
            "  int promptLen = Integer.parseInt(a[2]), newTokens = Integer.parseInt(a[3]);",
            "  List<String> prompts = io.tokenpath.samples.load.PromptSet.generate(joins.length, promptLen, 0.0, 3);",
            "  try (LanguageModel model = LanguageModel.load(ModelConfig.TINY);",
            "       var predictor = model.newPredictor(new CausalLmTranslator(model.config()));",
            "       ContinuousBatch batch = new ContinuousBatch(model, predictor, promptLen + newTokens, 256)) {",
            "    List<Integer> sizes = new ArrayList<>(); int next = 0;",
            "    for (int step = 0; next < joins.length || batch.size() > 0; step++) {",
            "      while (next < joins.length && joins[next] == step) { batch.join(next, ByteTokenizer.encode(prompts.get(next))); next++; }",
            "      sizes.add(batch.size());",
            "      for (var e : batch.step().entrySet()) System.out.println(\"DONE \" + e.getKey() + \" \" + e.getValue().length);",
            "    }",
            "    System.out.println(\"SIZES \" + sizes);",
            "  }",
            "  System.out.println(\"METRICS\");",
            "  System.out.print(new String(new java.net.URL(\"http://127.0.0.1:\" + a[0] + \"/metrics\").openStream().readAllBytes()));",
            "}}");

    @Test
    void everyStepsBatchSizeIsRecordedAsTheApplicationCountsIt() throws Exception {
        String joins = Arrays.toString(JOIN_AFTER).replaceAll("[\\[\\] ]", "");
        String out = SampleService.runApp("BatchApp", APP, "", SampleService.samplesClassPath(), joins,
                String.valueOf(PROMPT), String.valueOf(NEW_TOKENS));

        List<Integer> sizes = out.lines().filter(l -> l.startsWith("SIZES ")).findFirst()
                .map(l -> Arrays.stream(l.substring(7, l.length() - 1).split(", ")).map(Integer::valueOf).toList())
                .orElseThrow(() -> new AssertionError("no SIZES line:\n" + out));
        // The schedule itself: sequences joined after 0, 0, 3, 5 steps, 12 steps each.
        assertEquals(expectedSizes(JOIN_AFTER, NEW_TOKENS), sizes, "DJL's scheduler joined and released as scheduled");
        assertEquals(JOIN_AFTER.length, out.lines().filter(l -> l.matches("DONE \\d+ " + NEW_TOKENS)).count(), out);
        PrometheusText m = PrometheusText.parse(out.substring(out.indexOf("METRICS") + 8));

        assertEquals(sizes.size(), m.sum("tokenpath_batch_size_count"), "one batch-size sample per step");
        assertEquals(sizes.stream().mapToInt(Integer::intValue).sum(), m.sum("tokenpath_batch_size_sum"));
        Map<Double, Double> buckets = m.buckets("tokenpath_batch_size");
        for (Map.Entry<Double, Double> b : buckets.entrySet()) {
            long want = sizes.stream().filter(s -> s <= b.getKey()).count();
            assertEquals(want, b.getValue().longValue(), "steps with batch size <= " + b.getKey() + ": " + buckets);
        }
        assertTrue(buckets.get(1.0) < sizes.size(), "steps with more than one sequence");

        int n = JOIN_AFTER.length;
        assertEquals(n, m.sum("gen_ai_server_time_to_first_token_seconds_count"), "one TTFT per batched request");
        assertEquals(n * (NEW_TOKENS - 1), m.sum("tokenpath_inter_token_latency_seconds_count"), "every gap of every request");
        assertEquals(n * NEW_TOKENS, m.sum("tokenpath_tokens_total", l -> "output".equals(l.get("gen_ai_token_type"))));
        assertEquals(n * PROMPT, m.sum("tokenpath_tokens_total", l -> "input".equals(l.get("gen_ai_token_type"))));
        assertEquals(n, m.sum("tokenpath_requests_total", l -> "success".equals(l.get("tokenpath_outcome"))
                && "length".equals(l.get("tokenpath_finish_reason")) && "contrastive".equals(l.get("tokenpath_search"))));
        assertEquals(n, m.sum("gen_ai_server_time_per_output_token_seconds_count"));
        assertEquals(0, m.sum("tokenpath_requests_running"), "every request left the batch");
        assertEquals(0, m.sum("tokenpath_agent_instrumentation_errors_total"), out);
    }

    /** Rows per step when sequence i joins before step joinAfter[i] and takes {@code steps} steps. */
    private static List<Integer> expectedSizes(int[] joinAfter, int steps) {
        int last = Arrays.stream(joinAfter).max().orElse(0) + steps;
        List<Integer> sizes = new ArrayList<>();
        for (int step = 0; step < last; step++) {
            int rows = 0;
            for (int j : joinAfter) if (step >= j && step < j + steps) rows++;
            sizes.add(rows);
        }
        return sizes;
    }

    @Test
    void servedRequestsUnderContinuousBatchingAreCountedExactly() throws Exception {
        int requests = 8;
        PrometheusText m;
        Map<String, Object> client;
        try (SampleService s = SampleService.start("", "--models", "tiny", "--continuous-batch", "4", "--queue", "64")) {
            Path json = s.load("--model", "tiny", "--search", "contrastive", "--num-prompts", String.valueOf(requests),
                    "--max-tokens", String.valueOf(NEW_TOKENS), "--prompt-len", String.valueOf(PROMPT), "--concurrency",
                    String.valueOf(requests), "--clients", "alice,bob");
            client = Json.parseObject(Files.readString(json));
            m = PrometheusText.parse(s.metrics());
        }
        assertEquals(requests, SampleService.number(client, "completed"));
        assertEquals(requests, m.sum("gen_ai_server_time_to_first_token_seconds_count"));
        assertEquals(requests, m.sum("tokenpath_request_queue_time_seconds_count"), "every request came through HTTP");
        for (String c : List.of("alice", "bob")) {
            for (String type : List.of("input", "output")) {
                assertEquals(SampleService.number(client, "per_client", c, type + "_tokens"), m.sum("tokenpath_tokens_total",
                        l -> c.equals(l.get("tokenpath_client")) && type.equals(l.get("gen_ai_token_type"))), c + " " + type);
            }
            assertEquals(requests / 2, m.sum("gen_ai_server_time_to_first_token_seconds_count", l -> c.equals(l.get("tokenpath_client"))));
        }
        double output = m.sum("tokenpath_tokens_total", l -> "output".equals(l.get("gen_ai_token_type")));
        assertEquals(SampleService.number(client, "total_output_tokens"), output);
        // Every row of every step is one generated token.
        assertEquals(output, m.sum("tokenpath_batch_size_sum"), "batch sizes add up to the tokens generated");
        assertTrue(m.buckets("tokenpath_batch_size").get(1.0) < m.sum("tokenpath_batch_size_count"),
                "some steps ran several requests: " + m.buckets("tokenpath_batch_size"));
        assertEquals(requests * (NEW_TOKENS - 1), m.sum("tokenpath_inter_token_latency_seconds_count"));
        assertEquals(0, m.sum("tokenpath_requests_running"));
        assertEquals(0, m.sum("tokenpath_requests_waiting"));
        // The agent's first token is the step that made it; the client sees it only when the request completes.
        double agentTtft = m.sum("gen_ai_server_time_to_first_token_seconds_sum") / requests * 1000;
        assertTrue(agentTtft <= SampleService.number(client, "ttft_ms", "mean") + 1, "agent TTFT mean " + agentTtft + " ms > client's");
        assertEquals(0, m.sum("tokenpath_agent_instrumentation_errors_total"));
    }
}
