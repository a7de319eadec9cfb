package io.tokenpath.agent.impl.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the agent pushes metrics over OTLP/HTTP (protobuf), from the agent's {@code otlp.*} keys or, where a
 * key is unset, the standard {@code OTEL_*} variables an OpenTelemetry user already has (the same meaning as the
 * OpenTelemetry SDK's autoconfiguration). Off unless an endpoint is named.
 *
 * <p>Only {@code http/protobuf} is supported: gRPC would need a gRPC or OkHttp stack inside the agent, and every
 * OpenTelemetry Collector also listens for OTLP/HTTP (port 4318). A request for gRPC is an error that names this.
 *
 * @param endpoint the full metrics URL ({@code .../v1/metrics})
 * @param interval time between two pushes
 * @param timeout limit of one push
 * @param headers extra request headers (authentication for a hosted backend, say)
 * @param compression {@code gzip} or {@code none}
 * @param delta true: delta temporality for counters and histograms (what some backends ask for); else cumulative
 */
public record OtlpSettings(String endpoint, Duration interval, Duration timeout, Map<String, String> headers,
        String compression, boolean delta) {

    /** Values of the agent's keys (empty when unset) and the environment; null when OTLP is off. */
    public static OtlpSettings resolve(Map<String, String> keys, Map<String, String> env) {
        String exporters = env.getOrDefault("OTEL_METRICS_EXPORTER", "");
        String endpoint = first(keys.get("otlp.endpoint"), env.get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        if (blank(endpoint)) {
            String base = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
            // The base endpoint is shared by traces and logs too; the metrics path is appended, as the spec says.
            if (!blank(base)) endpoint = base.replaceAll("/+$", "") + "/v1/metrics";
        }
        if (blank(endpoint)) return null;
        if (blank(keys.get("otlp.endpoint")) && !blank(exporters) && !exporters.toLowerCase(Locale.ROOT).contains("otlp")) {
            return null; // OTEL_METRICS_EXPORTER names other exporters only: the user did not ask for OTLP metrics
        }
        String protocol = first(env.get("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"), env.get("OTEL_EXPORTER_OTLP_PROTOCOL"));
        if (!blank(protocol) && !protocol.trim().equals("http/protobuf")) {
            throw new IllegalArgumentException("OTLP protocol '" + protocol.trim() + "' is not supported: this agent "
                    + "pushes http/protobuf only (a Collector's port 4318)");
        }
        URI uri;
        try {
            uri = URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("OTLP endpoint '" + endpoint + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("OTLP endpoint '" + endpoint + "' must be an http:// or https:// URL");
        }
        Duration interval = duration(first(keys.get("otlp.interval"), millisToSeconds(env.get("OTEL_METRIC_EXPORT_INTERVAL"))),
                "otlp.interval", Duration.ofSeconds(60));
        Duration timeout = duration(first(keys.get("otlp.timeout"), millisToSeconds(first(
                env.get("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT"), env.get("OTEL_EXPORTER_OTLP_TIMEOUT")))),
                "otlp.timeout", Duration.ofSeconds(10));
        Map<String, String> headers = headers(first(keys.get("otlp.headers"),
                first(env.get("OTEL_EXPORTER_OTLP_METRICS_HEADERS"), env.get("OTEL_EXPORTER_OTLP_HEADERS"))));
        String compression = first(keys.get("otlp.compression"), first(env.get("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION"),
                env.get("OTEL_EXPORTER_OTLP_COMPRESSION")));
        compression = blank(compression) ? "gzip" : compression.trim().toLowerCase(Locale.ROOT);
        if (!compression.equals("gzip") && !compression.equals("none")) {
            throw new IllegalArgumentException("otlp.compression must be gzip or none, got '" + compression + "'");
        }
        String temporality = first(keys.get("otlp.temporality"), env.get("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"));
        temporality = blank(temporality) ? "cumulative" : temporality.trim().toLowerCase(Locale.ROOT);
        if (!temporality.equals("cumulative") && !temporality.equals("delta")) {
            throw new IllegalArgumentException("otlp.temporality must be cumulative or delta, got '" + temporality + "'");
        }
        return new OtlpSettings(uri.toString(), interval, timeout, headers, compression, temporality.equals("delta"));
    }

    /** {@code k=v,k2=v2} with URL-encoded values, as OTEL_EXPORTER_OTLP_HEADERS. */
    static Map<String, String> headers(String spec) {
        Map<String, String> h = new LinkedHashMap<>();
        if (blank(spec)) return h;
        for (String kv : spec.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("otlp.headers: '" + kv.trim() + "' is not name=value");
            h.put(kv.substring(0, eq).trim(), java.net.URLDecoder.decode(kv.substring(eq + 1).trim(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        return h;
    }

    /** Seconds, possibly fractional ("0.5"), or with a unit ("500ms", "2s", "1m"). */
    static Duration duration(String v, String key, Duration dflt) {
        if (blank(v)) return dflt;
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.endsWith("ms")) d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            else if (s.endsWith("s")) d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            else if (s.endsWith("m")) d = Duration.ofSeconds(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60));
            else d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            if (d.toMillis() <= 0) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a positive duration in seconds (or 500ms, 2s, 1m), got '" + v + "'");
        }
    }

    private static String millisToSeconds(String ms) {
        return blank(ms) ? null : ms.trim() + "ms";
    }

    private static String first(String a, String b) {
        return blank(a) ? b : a;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
