package io.tokenpath.agent.impl.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The agent's one key space. Precedence: {@code -javaagent:...=key=value,...} > system property
 * {@code tokenpath.key} > environment {@code TOKENPATH_KEY} (dots and dashes as underscores) > the properties file
 * named by {@code config} > defaults. Unknown keys and bad values become {@link Problem}s — one line each, naming
 * the key and the valid choices — and the feature they belong to is disabled; the application always runs on.
 */
public final class AgentConfig {
    /** Every key with its default and meaning (docs/configuration.md is generated from the same facts). */
    public static final Map<String, String[]> KEYS;

    static {
        Map<String, String[]> k = new LinkedHashMap<>();
        k.put("enabled", new String[] {"true", "false disables the whole agent"});
        k.put("config", new String[] {"", "a properties file with more keys (lowest precedence)"});
        k.put("metrics.host", new String[] {"0.0.0.0", "bind address of the Prometheus endpoint"});
        k.put("metrics.port", new String[] {"9464", "port of the Prometheus endpoint (/metrics); 0 disables it"});
        k.put("otlp.endpoint", new String[] {"", "OTLP/HTTP metrics URL to push to as well (e.g. http://collector:4318/v1/metrics); else OTEL_EXPORTER_OTLP_METRICS_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics; empty: no push"});
        k.put("otlp.interval", new String[] {"60", "seconds between two OTLP pushes (else OTEL_METRIC_EXPORT_INTERVAL, in ms)"});
        k.put("otlp.timeout", new String[] {"10", "seconds one OTLP push may take (else OTEL_EXPORTER_OTLP_TIMEOUT, in ms)"});
        k.put("otlp.headers", new String[] {"", "extra OTLP request headers, name=value,... (else OTEL_EXPORTER_OTLP_HEADERS)"});
        k.put("otlp.compression", new String[] {"gzip", "gzip or none"});
        k.put("otlp.temporality", new String[] {"cumulative", "cumulative or delta (else OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE)"});
        k.put("service.name", new String[] {"", "service.name resource attribute (else OTEL_SERVICE_NAME, else the main class)"});
        k.put("provider.name", new String[] {"djl", "gen_ai.provider.name attribute"});
        k.put("client.header", new String[] {"X-Client-Id", "HTTP request header naming the client"});
        k.put("client.baggage", new String[] {"client.id", "W3C/OpenTelemetry baggage entry naming the client when the header is absent (the request's baggage header, else the application's OpenTelemetry baggage); empty: not read"});
        k.put("client.max", new String[] {"50", "distinct client labels kept; later clients are reported as 'other'"});
        k.put("histogram.exponential", new String[] {"false", "true: base-2 exponential (native) histograms instead of buckets"});
        k.put("buckets.ttft", new String[] {"", "comma-separated bucket bounds in seconds for time to first token"});
        k.put("buckets.itl", new String[] {"", "bounds for inter-token latency and time per output token"});
        k.put("buckets.request", new String[] {"", "bounds for request duration, queue, prefill and decode time"});
        k.put("instrument.djl", new String[] {"true", "weave DJL TextGenerator / StepGeneration / Predictor"});
        k.put("instrument.http", new String[] {"true", "read client identity and arrival time on the JDK HTTP server and servlet containers (javax and jakarta)"});
        k.put("instrument.executors", new String[] {"true", "carry request context through ThreadPoolExecutor and blocking-queue hand-offs"});
        k.put("instrument.blocks", new String[] {"true", "weave AbstractBaseBlock.forward for the activation tap (idle unless a capture runs)"});
        k.put("weave.cache", new String[] {"", "directory of woven classes kept between runs, so a warm start skips Byte Buddy (default: ~/.cache/tokenpath/weave; must be this user's and not writable by others); off: weave on every start"});
        k.put("pointcut.request", new String[] {"", "Class#method of a custom generation loop's per-request method"});
        k.put("pointcut.token", new String[] {"", "Class#method called once per generated token in that loop"});
        k.put("capture.control.port", new String[] {"0", "port of the on-demand capture endpoint (/capture); 0 = off"});
        k.put("capture.control.host", new String[] {"127.0.0.1", "bind address of the capture endpoint (loopback unless you mean it)"});
        k.put("capture.control.dir", new String[] {"", "directory the endpoint writes captures into (default: <tmp>/tokenpath-captures)"});
        k.put("helper.mode", new String[] {"auto", "kernel and GPU metrics from tokenpath-helper: auto (the daemon's socket when it exists, looked for again every 30 s), socket, spawn (start the helper: a root JVM), off"});
        k.put("helper.socket", new String[] {"/run/tokenpath/helper.sock", "the helper daemon's Unix socket"});
        k.put("helper.user", new String[] {"root", "the user the helper daemon must run as (checked with SO_PEERCRED); others are refused"});
        k.put("helper.path", new String[] {"", "the tokenpath-helper binary for helper.mode=spawn (default: next to the agent jar, then PATH)"});
        k.put("helper.args", new String[] {"", "extra arguments for a spawned helper, space-separated (e.g. --interval-ms 500)"});
        k.put("log.file", new String[] {"", "write the agent's log lines to this file instead of stderr"});
        k.put("debug.fail_hooks", new String[] {"false", "fault injection for tests: every hook throws (counted, never reaching the app)"});
        KEYS = Collections.unmodifiableMap(k);
    }

    /** A configuration error: the key, what was wrong, and the feature that is disabled because of it. */
    public record Problem(String key, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    private final Map<String, String> values;
    private final Map<String, String> sources;
    private final List<Problem> problems;

    private AgentConfig(Map<String, String> values, Map<String, String> sources, List<Problem> problems) {
        this.values = values;
        this.sources = sources;
        this.problems = problems;
    }

    public static AgentConfig load(String agentArgs) {
        return load(agentArgs, System.getProperties(), System.getenv());
    }

    static AgentConfig load(String agentArgs, Properties sys, Map<String, String> env) {
        // Appended to from the start-up thread and the init thread (which set up parts in parallel).
        List<Problem> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, String> args = parseArgs(agentArgs, problems);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        String cfgFile = pick("config", args, sys, env, null, sources);
        Properties file = new Properties();
        if (cfgFile != null && !cfgFile.isBlank()) {
            try (Reader r = Files.newBufferedReader(Path.of(cfgFile), StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem("config", "config: cannot read properties file '" + cfgFile + "': " + e.getMessage()
                        + " (its keys are ignored)"));
            }
            for (String k : file.stringPropertyNames()) {
                if (!KEYS.containsKey(k) && !k.startsWith("capture.")) problems.add(unknown(k, "file " + cfgFile));
            }
        }
        for (String k : args.keySet()) {
            if (!KEYS.containsKey(k) && !k.startsWith("capture.")) problems.add(unknown(k, "agent arguments"));
        }
        for (String key : KEYS.keySet()) {
            String v = pick(key, args, sys, env, file, sources);
            values.put(key, v != null ? v : KEYS.get(key)[0]);
        }
        // capture.* keys go to capture-runtime's CaptureConfig, which validates them itself.
        for (Map<String, String> m : List.of(fileMap(file), args)) {
            m.forEach((k, v) -> {
                if (k.startsWith("capture.")) {
                    values.put(k, v);
                    sources.putIfAbsent(k, "args");
                }
            });
        }
        return new AgentConfig(values, sources, problems);
    }

    private static Map<String, String> fileMap(Properties p) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) m.put(k, p.getProperty(k));
        return m;
    }

    private static Problem unknown(String key, String where) {
        return new Problem(key, "unknown key '" + key + "' in " + where + " (valid: " + String.join(", ", KEYS.keySet())
                + ", capture.*); it is ignored");
    }

    private static String pick(String key, Map<String, String> args, Properties sys, Map<String, String> env,
            Properties file, Map<String, String> sources) {
        if (args.containsKey(key)) { sources.put(key, "agent argument"); return args.get(key); }
        String v = sys.getProperty("tokenpath." + key);
        if (v != null) { sources.put(key, "system property tokenpath." + key); return v; }
        String envKey = "TOKENPATH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        v = env.get(envKey);
        if (v != null) { sources.put(key, "environment " + envKey); return v; }
        if (file != null && file.getProperty(key) != null) { sources.put(key, "config file"); return file.getProperty(key); }
        return null;
    }

    /** {@code a=1,b=2}; a value may contain '=' but not ','. */
    static Map<String, String> parseArgs(String args, List<Problem> problems) {
        Map<String, String> m = new LinkedHashMap<>();
        if (args == null || args.isBlank()) return m;
        for (String part : args.split(",")) {
            if (part.isBlank()) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) {
                problems.add(new Problem(part, "agent argument '" + part + "' is not key=value; it is ignored"));
                continue;
            }
            m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return m;
    }

    public List<Problem> problems() {
        return problems;
    }

    public String get(String key) {
        return values.get(key);
    }

    /**
     * The values of the keys that start with {@code prefix} and were set (agent arguments, system property,
     * environment or file), without their defaults: for keys whose fallback is a standard variable, not a default.
     */
    public Map<String, String> explicit(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        sources.keySet().forEach(k -> { if (k.startsWith(prefix)) m.put(k, values.get(k)); });
        return m;
    }

    /** All {@code capture.*} keys without the prefix. */
    public Map<String, String> captureKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> { if (k.startsWith("capture.") && !k.startsWith("capture.control.")) m.put(k.substring(8), v); });
        return m;
    }

    /** A typed value; a bad one is reported once and the default is used. */
    public <T> T typed(String key, Function<String, T> parse, String expected) {
        String v = values.get(key);
        try {
            return parse.apply(v.trim());
        } catch (RuntimeException e) {
            String def = KEYS.get(key)[0];
            problems.add(new Problem(key, key + ": '" + v + "' is not " + expected + " (from " + sources.getOrDefault(key, "default")
                    + "); using the default '" + def + "'"));
            return parse.apply(def);
        }
    }

    public boolean flag(String key) {
        return typed(key, v -> {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": case "1": return true;
                case "false": case "no": case "off": case "0": return false;
                default: throw new IllegalArgumentException();
            }
        }, "true or false");
    }

    public int integer(String key, int min, int max) {
        return typed(key, v -> {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw new IllegalArgumentException();
            return i;
        }, "an integer in " + min + ".." + max);
    }

    /** Bucket bounds: empty means "use the default list"; a bad list is reported and the default used. */
    public List<Double> bounds(String key, List<Double> defaults) {
        String v = values.get(key);
        if (v == null || v.isBlank()) return defaults;
        List<Double> l = new ArrayList<>();
        try {
            double prev = Double.NEGATIVE_INFINITY;
            for (String p : v.split("[,;\\s]+")) {
                if (p.isEmpty()) continue;
                double d = Double.parseDouble(p);
                if (!(d > prev) || Double.isInfinite(d)) throw new IllegalArgumentException();
                l.add(d);
                prev = d;
            }
            if (l.isEmpty()) throw new IllegalArgumentException();
            return l;
        } catch (RuntimeException e) {
            problems.add(new Problem(key, key + ": '" + v + "' is not a strictly increasing list of seconds like "
                    + "0.001,0.01,0.1 (from " + sources.getOrDefault(key, "default") + "); using the default buckets"));
            return defaults;
        }
    }
}
