package io.tokenpath.samples.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every number of one run, computed from the client-side {@link RequestResult}s: vLLM's benchmark_serving set
 * (TTFT, TPOT, ITL, E2EL, throughput) plus the token and chunk counts and a per-client breakdown.
 *
 * @param durationSeconds first request sent to last response finished
 * @param totalInputTokens sum of {@code usage.prompt_tokens} over successful requests
 * @param totalOutputTokens sum of {@code usage.completion_tokens} over successful requests
 * @param totalContentChunks content chunks received by successful requests
 * @param failuresByReason failed requests grouped by status and message
 */
public record BenchmarkReport(LoadOptions options, int completed, int failed, double durationSeconds,
        long totalInputTokens, long totalOutputTokens, long totalContentChunks, double requestThroughput,
        double outputThroughput, double totalTokenThroughput, Summary ttft, Summary tpot, Summary itl, Summary e2el,
        Map<String, ClientCounts> perClient, Map<String, Integer> failuresByReason, List<RequestResult> requests) {

    /** Requests and tokens of one client id. */
    public record ClientCounts(int completed, int failed, long inputTokens, long outputTokens) {}

    public static BenchmarkReport of(LoadOptions options, List<RequestResult> results, double durationSeconds) {
        int completed = 0;
        long input = 0;
        long output = 0;
        long chunks = 0;
        List<Double> ttft = new ArrayList<>();
        List<Double> tpot = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        List<Double> e2e = new ArrayList<>();
        Map<String, ClientCounts> perClient = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (RequestResult r : results) {
            String client = r.client() == null ? "-" : r.client();
            ClientCounts c = perClient.getOrDefault(client, new ClientCounts(0, 0, 0, 0));
            if (r.success()) {
                completed++;
                input += r.promptTokens();
                output += r.completionTokens();
                chunks += r.contentChunks();
                ttft.add((double) r.ttftNanos());
                tpot.add(r.tpotNanos());
                for (long gap : r.itlNanos()) {
                    itl.add((double) gap);
                }
                e2e.add((double) r.e2eNanos());
                c = new ClientCounts(c.completed() + 1, c.failed(), c.inputTokens() + r.promptTokens(),
                        c.outputTokens() + r.completionTokens());
            } else {
                failures.merge("HTTP " + r.status() + ": " + r.error(), 1, Integer::sum);
                c = new ClientCounts(c.completed(), c.failed() + 1, c.inputTokens(), c.outputTokens());
            }
            perClient.put(client, c);
        }
        double d = durationSeconds > 0 ? durationSeconds : Double.NaN;
        return new BenchmarkReport(options, completed, results.size() - completed, durationSeconds, input, output,
                chunks, completed / d, output / d, (input + output) / d,
                Summary.ofNanos(toArray(ttft)), Summary.ofNanos(toArray(tpot)), Summary.ofNanos(toArray(itl)),
                Summary.ofNanos(toArray(e2e)), perClient, failures, List.copyOf(results));
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
