package io.tokenpath.samples.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.tokenpath.samples.model.ModelConfig;
import io.tokenpath.samples.server.SampleServer;
import io.tokenpath.samples.server.ServerOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The load generator against a real server: its counts must be the server's, its statistics well-formed. */
class LoadGeneratorTest {

    @Test
    void countsEqualTheServersUsageAndPercentilesAreOrdered(@TempDir Path dir) throws Exception {
        try (SampleServer server = SampleServer.start(ServerOptions.defaults().withPort(0).withWorkersAndQueue(2, 64)
                .withModels(List.of(ModelConfig.TINY)))) {
            int prompts = 9;
            int promptLen = 16;
            int maxTokens = 6;
            Path json = dir.resolve("out/result.json");
            LoadOptions options = LoadOptions.parse(new String[] {
                "--url", "http://127.0.0.1:" + server.port() + "/", "--model", "tiny", "--num-prompts", "" + prompts,
                "--prompt-len", "" + promptLen, "--max-tokens", "" + maxTokens, "--concurrency", "3",
                "--clients", "alice,bob,carol", "--json", json.toString()});
            BenchmarkReport report = LoadGenerator.run(options, null);
            ReportPrinter.writeJson(report, json);

            assertEquals(prompts, report.completed(), report.failuresByReason().toString());
            assertEquals(0, report.failed());
            // Prompts are ASCII of exactly --prompt-len bytes, and the byte tokenizer makes that the token count.
            assertEquals((long) prompts * promptLen, report.totalInputTokens());
            assertEquals((long) prompts * maxTokens, report.totalOutputTokens());
            assertEquals(report.totalOutputTokens(), report.totalContentChunks());
            JsonObject stats = serverStats(server.port());
            assertEquals(report.totalInputTokens(), stats.getAsJsonObject("tokens").get("prompt").getAsLong());
            assertEquals(report.totalOutputTokens(), stats.getAsJsonObject("tokens").get("completion").getAsLong());
            assertEquals(prompts, stats.getAsJsonObject("requests").get("completed").getAsInt());

            for (Summary s : List.of(report.ttft(), report.tpot(), report.itl(), report.e2el())) {
                assertTrue(s.min() <= s.p50() && s.p50() <= s.p90() && s.p90() <= s.p99() && s.p99() <= s.max(),
                        s.toString());
                assertTrue(s.mean() > 0, s.toString());
            }
            assertEquals(prompts, report.ttft().count());
            assertEquals(prompts * (maxTokens - 1), report.itl().count());
            assertTrue(report.ttft().p50() <= report.e2el().p50());
            assertTrue(report.outputThroughput() > 0 && report.requestThroughput() > 0);

            assertEquals(3, report.perClient().size());
            for (String client : List.of("alice", "bob", "carol")) {
                BenchmarkReport.ClientCounts c = report.perClient().get(client);
                assertEquals(3, c.completed());
                assertEquals(3L * promptLen, c.inputTokens());
                assertEquals(3L * maxTokens, c.outputTokens());
            }

            JsonObject written = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            assertEquals(report.totalOutputTokens(), written.get("total_output_tokens").getAsLong());
            assertEquals(prompts, written.getAsJsonArray("requests").size());
            assertTrue(written.getAsJsonObject("itl_ms").has("p99"));

            ByteArrayOutputStream table = new ByteArrayOutputStream();
            ReportPrinter.printTable(report, new PrintStream(table, true, StandardCharsets.UTF_8));
            String text = table.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("============ Serving Benchmark Result ============"), text);
            assertTrue(text.contains("Total generated tokens:                  " + prompts * maxTokens), text);
        }
    }

    @Test
    void poissonRateRunCompletesAndQueueRejectionsAreCounted() throws Exception {
        // One worker and a queue of one, with everything arriving at once: some requests must be refused (429),
        // and the report must say so instead of hiding them.
        try (SampleServer server = SampleServer.start(ServerOptions.defaults().withPort(0).withWorkersAndQueue(1, 1)
                .withModels(List.of(ModelConfig.TINY)))) {
            LoadOptions burst = LoadOptions.parse(new String[] {"--url", "http://127.0.0.1:" + server.port(),
                "--num-prompts", "6", "--prompt-len", "8", "--max-tokens", "40", "--rate", "inf",
                "--search", "loop"});
            BenchmarkReport report = LoadGenerator.run(burst, null);
            assertEquals(6, report.completed() + report.failed());
            assertTrue(report.failed() > 0, "expected 429s with 6 simultaneous requests on 1 worker + 1 slot");
            assertTrue(report.failuresByReason().keySet().stream().allMatch(k -> k.startsWith("HTTP 429")),
                    report.failuresByReason().toString());
            assertEquals((long) report.completed() * 40, report.totalOutputTokens());

            LoadOptions paced = LoadOptions.parse(new String[] {"--url", "http://127.0.0.1:" + server.port(),
                "--num-prompts", "4", "--prompt-len", "8", "--max-tokens", "3", "--rate", "40", "--concurrency", "1",
                "--endpoint", "chat"});
            BenchmarkReport chat = LoadGenerator.run(paced, null);
            assertEquals(4, chat.completed(), chat.failuresByReason().toString());
            assertEquals(12, chat.totalOutputTokens());
        }
    }

    private static JsonObject serverStats(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
