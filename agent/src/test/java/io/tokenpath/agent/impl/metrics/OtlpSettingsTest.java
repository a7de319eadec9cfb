package io.tokenpath.agent.impl.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Where the OTLP push goes, from the agent's keys and the standard OTEL_* variables, and what is refused. */
class OtlpSettingsTest {

    @Test
    void offUnlessAnEndpointIsNamed() {
        assertNull(OtlpSettings.resolve(Map.of(), Map.of()));
        assertNull(OtlpSettings.resolve(Map.of(), Map.of("OTEL_METRIC_EXPORT_INTERVAL", "1000")));
    }

    @Test
    void theBaseEndpointGetsTheMetricsPathAndTheSignalEndpointIsTakenAsIs() {
        assertEquals("http://collector:4318/v1/metrics", OtlpSettings.resolve(Map.of(),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")).endpoint());
        assertEquals("http://c:4318/custom", OtlpSettings.resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://ignored:4318", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://c:4318/custom")).endpoint());
        assertEquals("http://mine:4318/v1/metrics", OtlpSettings.resolve(Map.of("otlp.endpoint", "http://mine:4318/v1/metrics"),
                Map.of("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://theirs:4318/v1/metrics")).endpoint(), "the key wins");
    }

    @Test
    void otelMetricsExporterWithoutOtlpLeavesThePushOffUnlessTheKeyAsks() {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_METRICS_EXPORTER", "prometheus");
        assertNull(OtlpSettings.resolve(Map.of(), env));
        assertNotNull(OtlpSettings.resolve(Map.of("otlp.endpoint", "http://c:4318/v1/metrics"), env));
        assertNotNull(OtlpSettings.resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_METRICS_EXPORTER", "prometheus,otlp")));
    }

    @Test
    void intervalsTimeoutsHeadersAndTemporalityFromKeysOrVariables() {
        OtlpSettings fromEnv = OtlpSettings.resolve(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://c:4318",
                "OTEL_METRIC_EXPORT_INTERVAL", "15000", "OTEL_EXPORTER_OTLP_TIMEOUT", "2500",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=s%3Dcret, tenant = t1",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "DELTA"));
        assertEquals(Duration.ofSeconds(15), fromEnv.interval());
        assertEquals(Duration.ofMillis(2500), fromEnv.timeout());
        assertEquals(Map.of("api-key", "s=cret", "tenant", "t1"), fromEnv.headers());
        assertTrue(fromEnv.delta());
        assertEquals("gzip", fromEnv.compression());

        OtlpSettings fromKeys = OtlpSettings.resolve(Map.of("otlp.endpoint", "http://c:4318/v1/metrics",
                "otlp.interval", "0.5", "otlp.timeout", "3s", "otlp.compression", "none"), Map.of("OTEL_METRIC_EXPORT_INTERVAL", "1"));
        assertEquals(Duration.ofMillis(500), fromKeys.interval());
        assertEquals(Duration.ofSeconds(3), fromKeys.timeout());
        assertEquals("none", fromKeys.compression());
        assertFalse(fromKeys.delta());
        assertEquals(Duration.ofSeconds(60), OtlpSettings.resolve(Map.of("otlp.endpoint", "http://c/v1/metrics"), Map.of()).interval());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsValid() {
        Map<String, String> ep = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318");
        assertMessage("pushes http/protobuf only", () -> OtlpSettings.resolve(Map.of(),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertMessage("must be an http:// or https:// URL", () -> OtlpSettings.resolve(Map.of("otlp.endpoint", "c:4318"), Map.of()));
        assertMessage("otlp.interval must be a positive duration", () -> OtlpSettings.resolve(Map.of("otlp.interval", "soon"), ep));
        assertMessage("otlp.interval must be a positive duration", () -> OtlpSettings.resolve(Map.of("otlp.interval", "0"), ep));
        assertMessage("otlp.compression must be gzip or none", () -> OtlpSettings.resolve(Map.of("otlp.compression", "zstd"), ep));
        assertMessage("otlp.temporality must be cumulative or delta", () -> OtlpSettings.resolve(Map.of("otlp.temporality", "low"), ep));
        assertMessage("'novalue' is not name=value", () -> OtlpSettings.resolve(Map.of("otlp.headers", "novalue"), ep));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
