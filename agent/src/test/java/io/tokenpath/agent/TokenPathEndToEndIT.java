package io.tokenpath.agent;

import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The product's promise, end to end: the built agent jar on the real DJL/PyTorch sample service in its own JVM,
 * N streamed requests from two clients through the real load generator (more concurrent requests than workers),
 * then the agent's /metrics against what the client measured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenPathEndToEndIT {
    private static final int REQUESTS = 12;
    private static final int MAX_TOKENS = 16;

    private SampleService service;
    private Map<String, Object> client;
    private PrometheusText metrics;
    private long maxWaitingSeen;

    @BeforeAll
    void runLoad() throws Exception {
        service = SampleService.start("", "--models", "tiny", "--workers", "1", "--queue", "64");
        AtomicLong maxWaiting = new AtomicLong();
        Thread poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    PrometheusText m = PrometheusText.parse(service.metrics());
                    maxWaiting.accumulateAndGet((long) m.sum("tokenpath_requests_waiting"), Math::max);
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a scrape racing the start-up: the next one counts
                }
            }
        });
        poller.start();
        Path json = service.load("--model", "tiny", "--num-prompts", String.valueOf(REQUESTS), "--max-tokens",
                String.valueOf(MAX_TOKENS), "--prompt-len", "32", "--concurrency", "4", "--clients", "alice,bob");
        poller.interrupt();
        poller.join();
        maxWaitingSeen = maxWaiting.get();
        client = Json.parseObject(Files.readString(json));
        metrics = PrometheusText.parse(service.metrics());
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) service.close();
    }

    private double clientNumber(String... path) {
        Object v = client;
        for (String p : path) v = ((Map<?, ?>) v).get(p);
        return ((Number) v).doubleValue();
    }

    @Test
    void everyRequestHasOneTimeToFirstToken() {
        assertEquals(REQUESTS, (long) clientNumber("completed"));
        assertEquals(REQUESTS, metrics.sum("gen_ai_server_time_to_first_token_seconds_count"));
        assertEquals(REQUESTS, metrics.sum("gen_ai_server_request_duration_seconds_count"));
        assertEquals(REQUESTS, metrics.sum("tokenpath_requests_total", l -> "success".equals(l.get("tokenpath_outcome"))
                && "length".equals(l.get("tokenpath_finish_reason"))));
    }

    @Test
    void tokenCountersEqualWhatTheClientCounted() {
        assertEquals(clientNumber("total_output_tokens"),
                metrics.sum("tokenpath_tokens_total", l -> "output".equals(l.get("gen_ai_token_type"))));
        assertEquals(clientNumber("total_input_tokens"),
                metrics.sum("tokenpath_tokens_total", l -> "input".equals(l.get("gen_ai_token_type"))));
        for (String c : List.of("alice", "bob")) {
            assertEquals(clientNumber("per_client", c, "output_tokens"), metrics.sum("tokenpath_tokens_total",
                    l -> c.equals(l.get("tokenpath_client")) && "output".equals(l.get("gen_ai_token_type"))), c);
            assertEquals(clientNumber("per_client", c, "input_tokens"), metrics.sum("tokenpath_tokens_total",
                    l -> c.equals(l.get("tokenpath_client")) && "input".equals(l.get("gen_ai_token_type"))), c);
        }
        assertEquals(0, metrics.sum("tokenpath_tokens_total", l -> "unknown".equals(l.get("tokenpath_client"))),
                "every request is attributed to its client");
        // Every gap between tokens is one observation, on both sides.
        assertEquals(REQUESTS * (MAX_TOKENS - 1), metrics.sum("tokenpath_inter_token_latency_seconds_count"));
        assertEquals(clientNumber("itl_ms", "count"), metrics.sum("tokenpath_inter_token_latency_seconds_count"));
    }

    @Test
    void queueingIsVisibleWhenConcurrencyExceedsWorkers() {
        assertEquals(REQUESTS, metrics.sum("tokenpath_request_queue_time_seconds_count"));
        assertTrue(metrics.sum("tokenpath_request_queue_time_seconds_sum") > 0.05,
                "four concurrent requests on one worker wait: " + metrics.sum("tokenpath_request_queue_time_seconds_sum"));
        assertTrue(maxWaitingSeen >= 1, "the waiting gauge rose during the load: " + maxWaitingSeen);
        assertEquals(0, metrics.sum("tokenpath_requests_waiting"), "nothing waits after the load");
        assertEquals(0, metrics.sum("tokenpath_requests_running"));
    }

    /**
     * The agent measures at the server (arrival at the HTTP handler to the token leaving the model); the client adds
     * connection, request transfer, SSE framing and delivery. So the agent's TTFT and request duration cannot exceed
     * the client's, and the gap is the HTTP path. Bucket bounds of the agent's median must bracket a value no larger
     * than the client's median.
     */
    @Test
    void agentTimingsAgreeWithTheClientWithinTheHttpPath() {
        double agentTtft = metrics.sum("gen_ai_server_time_to_first_token_seconds_sum") / REQUESTS * 1000;
        double clientTtft = clientNumber("ttft_ms", "mean");
        assertTrue(agentTtft <= clientTtft + 1, "agent TTFT mean " + agentTtft + " ms > client " + clientTtft + " ms");
        double agentE2e = metrics.sum("gen_ai_server_request_duration_seconds_sum") / REQUESTS * 1000;
        double clientE2e = clientNumber("e2el_ms", "mean");
        assertTrue(agentE2e <= clientE2e + 1, "agent duration mean " + agentE2e + " ms > client " + clientE2e + " ms");
        double[] p50 = metrics.quantileBounds("gen_ai_server_time_to_first_token_seconds", 0.5);
        assertTrue(p50[0] * 1000 <= clientNumber("ttft_ms", "p50") + 1,
                "agent TTFT p50 bucket starts at " + p50[0] * 1000 + " ms, above the client's p50 " + clientNumber("ttft_ms", "p50"));
        // Decode: both sides see every gap; their means differ only by delivery jitter of the SSE path.
        double agentItl = metrics.sum("tokenpath_inter_token_latency_seconds_sum")
                / metrics.sum("tokenpath_inter_token_latency_seconds_count") * 1000;
        double clientItl = clientNumber("itl_ms", "mean");
        assertTrue(agentItl > clientItl / 3 && agentItl < clientItl * 3,
                "agent ITL mean " + agentItl + " ms vs client " + clientItl + " ms");
        System.out.printf("[agreement] TTFT mean agent %.2f ms / client %.2f ms; e2e mean agent %.2f / client %.2f;"
                + " ITL mean agent %.3f / client %.3f%n", agentTtft, clientTtft, agentE2e, clientE2e, agentItl, clientItl);
    }

    /** docs/metrics.md lists exactly the families the live endpoint serves (the error counter appears on errors only). */
    @Test
    void metricsDocumentationMatchesTheLiveEndpoint() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        Set<String> documented = new TreeSet<>();
        Set<String> conditional = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `([a-z_:]+)` \\|.*$", Pattern.MULTILINE).matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
            if (m.group().contains("(only ")) conditional.add(m.group(1));
        }
        Set<String> live = metrics.families();
        Set<String> undocumented = new TreeSet<>(live);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "served but not in docs/metrics.md");
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(live);
        missing.removeAll(conditional); // the error counter and the capture series, with no failure and no capture
        assertEquals(Set.of(), missing, "documented but not served after real traffic");
        assertEquals(0, metrics.sum("tokenpath_agent_instrumentation_errors_total"), "no hook failed");
    }
}
