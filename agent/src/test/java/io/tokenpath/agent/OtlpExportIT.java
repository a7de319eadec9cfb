package io.tokenpath.agent;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The OTLP/HTTP push: the sample service with the real agent jar pushes to a receiver in this test that decodes
 * every request as an OpenTelemetry Collector would (ExportMetricsServiceRequest, protobuf, gzip). The pushes come
 * periodically, carry the service's resource, and agree exactly with the Prometheus endpoint and with the load
 * generator's own counts; the last one is sent when the service stops.
 */
class OtlpExportIT {
    private static final int REQUESTS = 10;
    private static final int MAX_TOKENS = 8;

    /** One decoded push and when it arrived. */
    private record Push(long atMillis, ExportMetricsServiceRequest request, String encoding) {}

    private HttpServer receiver;
    private final List<Push> pushes = new ArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", ex -> {
            try (InputStream raw = ex.getRequestBody()) {
                String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
                InputStream in = "gzip".equals(enc) ? new GZIPInputStream(raw) : raw;
                ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(in.readAllBytes());
                synchronized (pushes) {
                    pushes.add(new Push(System.currentTimeMillis(), r, enc));
                    pushes.notifyAll();
                }
                ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, -1); // an empty ExportMetricsServiceResponse: full success
            } catch (Exception e) {
                ex.sendResponseHeaders(400, -1);
            } finally {
                ex.close();
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void pushesAgreeWithTheEndpointAndTheClient() throws Exception {
        String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics";
        Map<String, Object> client;
        PrometheusText scraped;
        long scrapedAt;
        int beforeStop;
        try (SampleService s = SampleService.start("service.name=otlp-it,helper.mode=off,otlp.endpoint=" + endpoint
                + ",otlp.interval=0.5", "--models", "tiny", "--workers", "2")) {
            Path json = s.load("--model", "tiny", "--num-prompts", String.valueOf(REQUESTS), "--max-tokens",
                    String.valueOf(MAX_TOKENS), "--concurrency", "2", "--clients", "alice,bob");
            client = Json.parseObject(Files.readString(json));
            scraped = PrometheusText.parse(s.metrics());
            scrapedAt = System.currentTimeMillis();
            Push after = awaitPushAfter(scrapedAt);
            assertNotNull(after, "no OTLP push within 10 s after the load; pushes so far: " + pushes.size());
            beforeStop = pushes.size();
        }
        assertEquals(REQUESTS, SampleService.number(client, "completed"));
        assertTrue(scraped.sum("otel_sdk_exporter_metric_data_point_exported_total", l -> !l.containsKey("error_type")) > 0,
                "the exporter's own health on /metrics: points pushed");
        assertEquals(0, scraped.sum("otel_sdk_exporter_metric_data_point_exported_total", l -> l.containsKey("error_type")));

        List<Push> all;
        synchronized (pushes) {
            all = new ArrayList<>(pushes);
        }
        assertTrue(beforeStop >= 3, "pushes come every 0.5 s, not once: " + beforeStop);
        assertTrue(all.size() > beforeStop, "a last push when the service stops");
        assertTrue(all.stream().allMatch(p -> "gzip".equals(p.encoding())), "gzip by default");

        Push last = all.get(all.size() - 1);
        ResourceMetrics rm = last.request().getResourceMetrics(0);
        assertEquals("otlp-it", attribute(rm.getResource().getAttributesList(), "service.name"));
        assertEquals("tokenpath", attribute(rm.getResource().getAttributesList(), "telemetry.distro.name"));

        Metric ttft = metric(last, "io.tokenpath.agent", "gen_ai.server.time_to_first_token");
        assertEquals("s", ttft.getUnit());
        assertEquals(REQUESTS, histogramCount(ttft, p -> true));
        assertEquals(scraped.sum("gen_ai_server_time_to_first_token_seconds_count"), histogramCount(ttft, p -> true));
        // The same explicit bounds as the scraped le labels (finite ones).
        List<Double> bounds = ttft.getHistogram().getDataPoints(0).getExplicitBoundsList();
        List<Double> les = new ArrayList<>(scraped.buckets("gen_ai_server_time_to_first_token_seconds").keySet());
        les.removeIf(d -> d.isInfinite());
        assertEquals(les, bounds.stream().sorted().toList());

        Metric itl = metric(last, "io.tokenpath.agent", "tokenpath.inter_token_latency");
        assertEquals(scraped.sum("tokenpath_inter_token_latency_seconds_count"), histogramCount(itl, p -> true));
        assertEquals(SampleService.number(client, "total_output_tokens") - REQUESTS, histogramCount(itl, p -> true), "every gap");

        Metric tokens = metric(last, "io.tokenpath.agent", "tokenpath.tokens");
        assertTrue(tokens.getSum().getIsMonotonic());
        for (String c : List.of("alice", "bob")) {
            for (String type : List.of("input", "output")) {
                double pushed = counterSum(tokens, p -> c.equals(attribute(p.getAttributesList(), "tokenpath.client"))
                        && type.equals(attribute(p.getAttributesList(), "gen_ai.token.type")));
                assertEquals(SampleService.number(client, "per_client", c, type + "_tokens"), pushed, c + " " + type);
                assertEquals(scraped.sum("tokenpath_tokens_total", l -> c.equals(l.get("tokenpath_client"))
                        && type.equals(l.get("gen_ai_token_type"))), pushed, c + " " + type + " pushed == scraped");
            }
        }
    }

    @Test
    void aBadOtlpSettingIsOneLineAndTheServiceRuns() throws Exception {
        // The push is off, said once naming the key and the valid values; everything else works.
        Path log;
        String metrics;
        try (SampleService s = SampleService.start("helper.mode=off,otlp.endpoint=http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/v1/metrics,otlp.compression=brotli", "--models", "tiny")) {
            s.load("--model", "tiny", "--num-prompts", "2", "--max-tokens", "3", "--concurrency", "1");
            metrics = s.metrics();
            log = s.log;
        }
        String err = Files.readString(log);
        assertEquals(1, err.lines().filter(l -> l.contains("otlp.compression must be gzip or none, got 'brotli'")
                && l.contains("the OTLP push is off")).count(), err);
        assertEquals(2, PrometheusText.parse(metrics).sum("gen_ai_server_time_to_first_token_seconds_count"));
        synchronized (pushes) {
            assertEquals(0, pushes.size(), "nothing pushed with a bad OTLP setting");
        }
    }

    @Test
    void aCollectorThatIsDownIsCountedOnMetricsAndTheServiceRuns() throws Exception {
        int closed = LateAttachIT.freePort();
        PrometheusText m;
        try (SampleService s = SampleService.start("helper.mode=off,otlp.interval=0.3,otlp.timeout=1,otlp.endpoint=http://127.0.0.1:"
                + closed + "/v1/metrics", "--models", "tiny")) {
            s.load("--model", "tiny", "--num-prompts", "3", "--max-tokens", "4", "--concurrency", "1");
            long deadline = System.currentTimeMillis() + 20_000;
            do {
                m = PrometheusText.parse(s.metrics());
                if (m.sum("otel_sdk_exporter_metric_data_point_exported_total", l -> l.containsKey("error_type")) > 0) break;
                Thread.sleep(300);
            } while (System.currentTimeMillis() < deadline);
        }
        assertTrue(m.sum("otel_sdk_exporter_metric_data_point_exported_total", l -> l.containsKey("error_type")
                && String.valueOf(closed).equals(l.get("server_port"))) > 0, "failed pushes counted with their error type");
        assertEquals(3, m.sum("gen_ai_server_time_to_first_token_seconds_count"), "the service and its scrape unaffected");
    }

    private Push awaitPushAfter(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        synchronized (pushes) {
            while (true) {
                for (Push p : pushes) if (p.atMillis() > millis) return p;
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return null;
                pushes.wait(left);
            }
        }
    }

    private static Metric metric(Push push, String scope, String name) {
        for (ResourceMetrics rm : push.request().getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                if (!sm.getScope().getName().equals(scope)) continue;
                for (Metric m : sm.getMetricsList()) if (m.getName().equals(name)) return m;
            }
        }
        throw new AssertionError("no metric " + name + " in scope " + scope + " of the push");
    }

    private static long histogramCount(Metric m, Predicate<HistogramDataPoint> where) {
        return m.getHistogram().getDataPointsList().stream().filter(where).mapToLong(HistogramDataPoint::getCount).sum();
    }

    private static double counterSum(Metric m, Predicate<NumberDataPoint> where) {
        return m.getSum().getDataPointsList().stream().filter(where)
                .mapToDouble(p -> p.hasAsInt() ? p.getAsInt() : p.getAsDouble()).sum();
    }

    private static String attribute(List<KeyValue> attrs, String key) {
        return attrs.stream().filter(a -> a.getKey().equals(key)).map(a -> a.getValue().getStringValue()).findFirst().orElse(null);
    }
}
