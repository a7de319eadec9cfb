package io.tokenpath.samples.load;

import io.tokenpath.samples.cli.Flags;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Settings of one {@link LoadGenerator} run.
 *
 * @param baseUrl server root, e.g. {@code http://127.0.0.1:8000}
 * @param model model name sent in each request
 * @param chat use {@code /v1/chat/completions} (one user message) instead of {@code /v1/completions}
 * @param search the server's {@code search} extension field
 * @param numPrompts requests to send
 * @param promptLen prompt length in tokens (bytes)
 * @param promptLenRange spread of prompt lengths, see {@link PromptSet#generate}
 * @param maxTokens tokens each request asks for
 * @param concurrency most requests in flight at once
 * @param rate mean arrivals per second (Poisson); infinity sends all at once, limited by {@code concurrency}
 * @param seed seed of prompts and arrival times
 * @param clients client ids sent round-robin in {@code clientHeader}; empty sends none
 * @param clientHeader header carrying the client id
 * @param jsonOut where to write every number as JSON, or null
 * @param timeout per-request timeout
 */
public record LoadOptions(URI baseUrl, String model, boolean chat, String search, int numPrompts, int promptLen,
        double promptLenRange, int maxTokens, int concurrency, double rate, long seed, List<String> clients,
        String clientHeader, Path jsonOut, Duration timeout) {

    public static final String USAGE = String.join("\n",
            "usage: load [--url http://127.0.0.1:8000] [--model tiny] [--endpoint completions|chat] [--search greedy]",
            "            [--num-prompts 32] [--prompt-len 32] [--prompt-len-range 0] [--max-tokens 64]",
            "            [--concurrency N] [--rate R|inf] [--seed 0] [--clients a,b,c] [--client-header X-Client-Id]",
            "            [--json FILE] [--timeout-seconds 300]",
            "  --concurrency       most requests in flight (default 1, or unlimited when --rate is given)",
            "  --rate              mean request arrivals per second, Poisson with --seed; inf = all at once",
            "  --prompt-len        prompt tokens (= bytes: ASCII words); --prompt-len-range r spreads lengths over",
            "                      [len*(1-r), len*(1+r)]",
            "  --clients           client ids sent round-robin in --client-header; results are also counted per client",
            "  --json              write every number (and each request's timings) to FILE");

    private static final Set<String> FLAGS = Set.of("url", "model", "endpoint", "search", "num-prompts",
            "prompt-len", "prompt-len-range", "max-tokens", "concurrency", "rate", "seed", "clients",
            "client-header", "json", "timeout-seconds");

    public LoadOptions {
        if (numPrompts < 1 || promptLen < 1 || maxTokens < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--num-prompts, --prompt-len, --max-tokens and --concurrency must be"
                    + " at least 1");
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be > 0 (or inf), got " + rate);
        }
        clients = List.copyOf(clients);
    }

    /** @return null when {@code --help} was asked for */
    public static LoadOptions parse(String[] args) {
        Flags f = Flags.parse(args, FLAGS);
        if (f.help()) {
            return null;
        }
        String endpoint = f.string("endpoint", "completions");
        if (!endpoint.equals("completions") && !endpoint.equals("chat")) {
            throw new IllegalArgumentException("--endpoint must be completions or chat, got '" + endpoint + "'");
        }
        double rate = f.positiveDouble("rate", Double.POSITIVE_INFINITY);
        int numPrompts = f.integer("num-prompts", 32, 1);
        int defaultConcurrency = f.has("rate") ? numPrompts : 1;
        String range = f.string("prompt-len-range", "0");
        double rangeRatio;
        try {
            rangeRatio = Double.parseDouble(range);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--prompt-len-range must be a number in [0, 1), got '" + range + "'");
        }
        String json = f.string("json", null);
        return new LoadOptions(
                URI.create(stripSlash(f.string("url", "http://127.0.0.1:8000"))),
                f.string("model", "tiny"),
                endpoint.equals("chat"),
                f.string("search", "greedy"),
                numPrompts,
                f.integer("prompt-len", 32, 1),
                rangeRatio,
                f.integer("max-tokens", 64, 1),
                f.integer("concurrency", defaultConcurrency, 1),
                rate,
                f.longValue("seed", 0),
                f.list("clients"),
                f.string("client-header", "X-Client-Id"),
                json == null ? null : Path.of(json),
                Duration.ofSeconds(f.integer("timeout-seconds", 300, 1)));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The client id of request {@code index}, or null when no clients were given. */
    public String clientFor(int index) {
        return clients.isEmpty() ? null : clients.get(index % clients.size());
    }
}
