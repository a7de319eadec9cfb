package io.tokenpath.dashboards;

import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus (Debian's /usr/bin/prometheus) on 127.0.0.1 with a temporary TSDB, and its HTTP API:
 * instant and range queries, rules, alerts, targets.
 */
final class PrometheusServer implements AutoCloseable {
    /** One series of a query result: its labels and its [unix seconds, value] points. */
    record Series(Map<String, String> labels, List<double[]> points) {
        boolean hasFiniteValue() {
            for (double[] p : points) if (Double.isFinite(p[1])) return true;
            return false;
        }
    }

    private final Process process;
    private final Path log;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts Prometheus on config (written by the caller) and waits until it answers ready. */
    static PrometheusServer start(Path config) throws Exception {
        int port = freePort();
        Path data = Files.createTempDirectory("tokenpath-prom-data");
        Path log = Files.createTempFile("tokenpath-prometheus", ".log");
        Process p = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port, "--rules.alert.resend-delay=1s", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer s = new PrometheusServer(p, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new AssertionError("prometheus exited " + p.exitValue() + ":\n" + Files.readString(log));
            try {
                if (s.get("/-/ready").statusCode() == 200) return s;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        s.close();
        throw new AssertionError("prometheus not ready in 30 s:\n" + Files.readString(log));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET an API path; the parsed "data" of a successful answer, or an AssertionError with Prometheus' error. */
    Object api(String path, String... params) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder(path);
        for (int i = 0; i < params.length; i += 2) {
            q.append(i == 0 ? '?' : '&').append(params[i]).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = get(q.toString());
        Map<String, Object> body = Json.parseObject(r.body());
        if (!"success".equals(body.get("status"))) {
            throw new AssertionError(path + " " + String.join(" ", params) + " -> " + r.statusCode() + " " + body.get("error"));
        }
        return body.get("data");
    }

    List<Series> query(String expr, double time) throws IOException, InterruptedException {
        return series(api("/api/v1/query", "query", expr, "time", String.format("%.3f", time)));
    }

    List<Series> queryRange(String expr, double start, double end, double step) throws IOException, InterruptedException {
        return series(api("/api/v1/query_range", "query", expr, "start", String.format("%.3f", start),
                "end", String.format("%.3f", end), "step", String.format("%.3f", step)));
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String path, String key) throws IOException, InterruptedException {
        return (List<Map<String, Object>>) ((Map<String, Object>) api(path)).get(key);
    }

    /** Every rule of every group, each with the group's file added under "file". */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rules() throws IOException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> g : list("/api/v1/rules", "groups")) {
            for (Object r : (List<Object>) g.get("rules")) {
                Map<String, Object> rule = new java.util.LinkedHashMap<>((Map<String, Object>) r);
                rule.put("file", g.get("file"));
                rule.put("group", g.get("name"));
                out.add(rule);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Series> series(Object data) {
        Map<String, Object> d = (Map<String, Object>) data;
        List<Series> out = new ArrayList<>();
        String type = (String) d.get("resultType");
        for (Object o : (List<Object>) d.get("result")) {
            Map<String, Object> r = (Map<String, Object>) o;
            Map<String, String> labels = (Map<String, String>) (Map<?, ?>) r.get("metric");
            List<double[]> points = new ArrayList<>();
            if ("matrix".equals(type)) {
                for (Object v : (List<Object>) r.get("values")) points.add(point((List<Object>) v));
            } else {
                points.add(point((List<Object>) r.get("value")));
            }
            out.add(new Series(labels, points));
        }
        return out;
    }

    private static double[] point(List<Object> v) {
        return new double[] {((Number) v.get(0)).doubleValue(), Double.parseDouble((String) v.get(1))};
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
