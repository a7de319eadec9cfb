package io.tokenpath.agent;

import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A hand-written generation loop (no TextGenerator, no StepGeneration) gets the same token metrics once the user
 * names its per-request and per-token methods: {@code pointcut.request} / {@code pointcut.token}, no code change.
 */
class ConfiguredPointcutIT {
    @Test
    void aHandWrittenLoopIsMeasuredThroughConfiguredPointcuts() throws Exception {
        int requests = 4;
        int tokens = 10;
        Map<String, Object> report;
        PrometheusText m;
        try (SampleService s = SampleService.start(
                "pointcut.request=io.tokenpath.samples.model.HandLoopGenerator#generate,"
                        + "pointcut.token=io.tokenpath.samples.model.HandLoopGenerator#nextToken",
                "--models", "tiny", "--workers", "1")) {
            report = Json.parseObject(Files.readString(s.load("--model", "tiny", "--search", "loop", "--num-prompts",
                    String.valueOf(requests), "--max-tokens", String.valueOf(tokens), "--concurrency", "2", "--clients", "zed")));
            m = PrometheusText.parse(s.metrics());
        }
        assertEquals(requests, ((Number) report.get("completed")).longValue());
        assertEquals(requests, m.sum("gen_ai_server_time_to_first_token_seconds_count", l -> "custom".equals(l.get("tokenpath_search"))));
        assertEquals(requests * tokens, m.sum("tokenpath_tokens_total",
                l -> "output".equals(l.get("gen_ai_token_type")) && "zed".equals(l.get("tokenpath_client"))));
        assertEquals(requests * (tokens - 1), m.sum("tokenpath_inter_token_latency_seconds_count"));
        assertEquals(0, m.sum("tokenpath_agent_instrumentation_errors_total"));
    }
}
