package io.tokenpath.samples.load;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link BenchmarkReport} as vLLM's benchmark_serving table, and writes it as JSON. */
public final class ReportPrinter {

    private static final int WIDTH = 50;

    private ReportPrinter() {}

    public static void printTable(BenchmarkReport r, PrintStream out) {
        out.println(center(" Serving Benchmark Result ", '='));
        row(out, "Successful requests:", Integer.toString(r.completed()));
        row(out, "Failed requests:", Integer.toString(r.failed()));
        row(out, "Benchmark duration (s):", fmt(r.durationSeconds()));
        row(out, "Total input tokens:", Long.toString(r.totalInputTokens()));
        row(out, "Total generated tokens:", Long.toString(r.totalOutputTokens()));
        row(out, "Total content chunks:", Long.toString(r.totalContentChunks()));
        row(out, "Request throughput (req/s):", fmt(r.requestThroughput()));
        row(out, "Output token throughput (tok/s):", fmt(r.outputThroughput()));
        row(out, "Total Token throughput (tok/s):", fmt(r.totalTokenThroughput()));
        latency(out, "Time to First Token", "TTFT", r.ttft());
        latency(out, "Time per Output Token (excl. 1st token)", "TPOT", r.tpot());
        latency(out, "Inter-token Latency", "ITL", r.itl());
        latency(out, "End-to-end Latency", "E2EL", r.e2el());
        if (!r.perClient().isEmpty() && !(r.perClient().size() == 1 && r.perClient().containsKey("-"))) {
            out.println(center("Per Client", '-'));
            for (Map.Entry<String, BenchmarkReport.ClientCounts> e : r.perClient().entrySet()) {
                BenchmarkReport.ClientCounts c = e.getValue();
                row(out, e.getKey() + " requests ok/failed:", c.completed() + "/" + c.failed());
                row(out, e.getKey() + " input/output tokens:", c.inputTokens() + "/" + c.outputTokens());
            }
        }
        if (!r.failuresByReason().isEmpty()) {
            out.println(center("Failures", '-'));
            r.failuresByReason().forEach((reason, n) -> out.println(n + " x " + reason));
        }
        out.println("=".repeat(WIDTH));
    }

    public static void writeJson(BenchmarkReport r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String json = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                .toJson(toJson(r));
        Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    }

    static JsonObject toJson(BenchmarkReport r) {
        LoadOptions o = r.options();
        JsonObject config = new JsonObject();
        config.addProperty("url", o.baseUrl().toString());
        config.addProperty("model", o.model());
        config.addProperty("endpoint", o.chat() ? "chat" : "completions");
        config.addProperty("search", o.search());
        config.addProperty("num_prompts", o.numPrompts());
        config.addProperty("prompt_len", o.promptLen());
        config.addProperty("prompt_len_range", o.promptLenRange());
        config.addProperty("max_tokens", o.maxTokens());
        config.addProperty("concurrency", o.concurrency());
        config.addProperty("rate", Double.isInfinite(o.rate()) ? "inf" : Double.toString(o.rate()));
        config.addProperty("seed", o.seed());
        JsonArray clients = new JsonArray();
        o.clients().forEach(clients::add);
        config.add("clients", clients);

        JsonObject json = new JsonObject();
        json.add("config", config);
        json.addProperty("completed", r.completed());
        json.addProperty("failed", r.failed());
        json.addProperty("duration_s", r.durationSeconds());
        json.addProperty("total_input_tokens", r.totalInputTokens());
        json.addProperty("total_output_tokens", r.totalOutputTokens());
        json.addProperty("total_content_chunks", r.totalContentChunks());
        json.addProperty("request_throughput", r.requestThroughput());
        json.addProperty("output_throughput", r.outputThroughput());
        json.addProperty("total_token_throughput", r.totalTokenThroughput());
        json.add("ttft_ms", summary(r.ttft()));
        json.add("tpot_ms", summary(r.tpot()));
        json.add("itl_ms", summary(r.itl()));
        json.add("e2el_ms", summary(r.e2el()));
        JsonObject perClient = new JsonObject();
        r.perClient().forEach((client, c) -> {
            JsonObject entry = new JsonObject();
            entry.addProperty("completed", c.completed());
            entry.addProperty("failed", c.failed());
            entry.addProperty("input_tokens", c.inputTokens());
            entry.addProperty("output_tokens", c.outputTokens());
            perClient.add(client, entry);
        });
        json.add("per_client", perClient);
        JsonObject failures = new JsonObject();
        r.failuresByReason().forEach(failures::addProperty);
        json.add("failures", failures);
        JsonArray requests = new JsonArray();
        for (RequestResult q : r.requests()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("index", q.index());
            entry.addProperty("client", q.client());
            entry.addProperty("success", q.success());
            entry.addProperty("status", q.status());
            entry.addProperty("error", q.error());
            entry.addProperty("start_ms", q.startNanos() / 1e6);
            entry.addProperty("ttft_ms", q.ttftNanos() / 1e6);
            entry.addProperty("e2e_ms", q.e2eNanos() / 1e6);
            entry.addProperty("content_chunks", q.contentChunks());
            entry.addProperty("prompt_tokens", q.promptTokens());
            entry.addProperty("completion_tokens", q.completionTokens());
            JsonArray itl = new JsonArray();
            for (long gap : q.itlNanos()) {
                itl.add(gap / 1e6);
            }
            entry.add("itl_ms", itl);
            requests.add(entry);
        }
        json.add("requests", requests);
        return json;
    }

    private static JsonObject summary(Summary s) {
        JsonObject json = new JsonObject();
        json.addProperty("count", s.count());
        json.addProperty("mean", s.mean());
        json.addProperty("min", s.min());
        json.addProperty("p50", s.p50());
        json.addProperty("p90", s.p90());
        json.addProperty("p99", s.p99());
        json.addProperty("max", s.max());
        return json;
    }

    private static void latency(PrintStream out, String title, String name, Summary s) {
        out.println(center(title, '-'));
        row(out, "Mean " + name + " (ms):", fmt(s.mean()));
        row(out, "Median " + name + " (ms):", fmt(s.p50()));
        row(out, "P90 " + name + " (ms):", fmt(s.p90()));
        row(out, "P99 " + name + " (ms):", fmt(s.p99()));
    }

    private static void row(PrintStream out, String label, String value) {
        out.println(String.format(Locale.ROOT, "%-40s %-10s", label, value).stripTrailing());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String center(String title, char fill) {
        int left = Math.max(0, (WIDTH - title.length()) / 2);
        int right = Math.max(0, WIDTH - title.length() - left);
        return String.valueOf(fill).repeat(left) + title + String.valueOf(fill).repeat(right);
    }
}
