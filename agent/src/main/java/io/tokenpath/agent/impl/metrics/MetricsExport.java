package io.tokenpath.agent.impl.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServerBuilder;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;

import java.util.Map;

/**
 * One SdkMeterProvider, its Prometheus endpoint and, when configured, an OTLP/HTTP push (to an OpenTelemetry
 * Collector). Resource attributes come from {@code service.name} / {@code OTEL_SERVICE_NAME} and
 * {@code OTEL_RESOURCE_ATTRIBUTES} (the standard variables), so the same service looks the same whether scraped or
 * pushed.
 */
public final class MetricsExport implements AutoCloseable {
    private final SdkMeterProvider provider;
    private final PrometheusHttpServer server;
    private final int port;
    private final OtlpSettings otlp;

    public MetricsExport(String host, int port, boolean exponential, Resource resource) {
        this(host, port, exponential, resource, java.util.List.of(), null);
    }

    /**
     * {@code producers}: pre-aggregated data (the helper's histograms) exported beside the SDK's instruments;
     * {@code otlp}: where to push as well, or null.
     */
    public MetricsExport(String host, int port, boolean exponential, Resource resource,
            java.util.List<io.opentelemetry.sdk.metrics.export.MetricProducer> producers, OtlpSettings otlp) {
        this.port = port;
        this.otlp = otlp;
        // No exemplars: the agent's SDK is isolated from the application's and never sees a span, so the default
        // trace-based filter only spends a context lookup on every measurement to find nothing to keep.
        var b = SdkMeterProvider.builder().setResource(resource)
                .setExemplarFilter(io.opentelemetry.sdk.metrics.ExemplarFilter.alwaysOff());
        producers.forEach(b::registerMetricProducer);
        DefaultAggregationSelector aggregation = exponential
                ? DefaultAggregationSelector.getDefault().with(InstrumentType.HISTOGRAM, Aggregation.base2ExponentialBucketHistogram())
                : DefaultAggregationSelector.getDefault();
        if (port > 0) {
            PrometheusHttpServerBuilder pb = PrometheusHttpServer.builder().setHost(host).setPort(port);
            if (exponential) pb.setDefaultAggregationSelector(aggregation);
            server = pb.build();
            b.registerMetricReader(server);
        } else {
            server = null;
        }
        java.util.concurrent.atomic.AtomicReference<SdkMeterProvider> self = new java.util.concurrent.atomic.AtomicReference<>();
        if (otlp != null) b.registerMetricReader(otlpReader(otlp, aggregation, self));
        provider = b.build();
        self.set(provider);
    }

    /**
     * The push, whose exporter reports its own health (points exported, failures by error type, push duration) on
     * this provider: a Collector that is down shows on /metrics, not only in a log line.
     */
    private static PeriodicMetricReader otlpReader(OtlpSettings s, DefaultAggregationSelector aggregation,
            java.util.concurrent.atomic.AtomicReference<SdkMeterProvider> self) {
        OtlpHttpMetricExporterBuilder e = OtlpHttpMetricExporter.builder()
                .setEndpoint(s.endpoint())
                .setTimeout(s.timeout())
                .setCompression(s.compression())
                .setDefaultAggregationSelector(aggregation)
                .setAggregationTemporalitySelector(s.delta()
                        ? AggregationTemporalitySelector.deltaPreferred() : AggregationTemporalitySelector.alwaysCumulative());
        s.headers().forEach(e::addHeader);
        e.setInternalTelemetryVersion(io.opentelemetry.sdk.common.InternalTelemetryVersion.LATEST);
        e.setMeterProvider(() -> {
            SdkMeterProvider p = self.get();
            return p != null ? p : io.opentelemetry.api.metrics.MeterProvider.noop();
        });
        return PeriodicMetricReader.builder(e.build()).setInterval(s.interval()).build();
    }

    /** The OTLP push, or null when there is none. */
    public OtlpSettings otlp() {
        return otlp;
    }

    public SdkMeterProvider provider() {
        return provider;
    }

    /** The endpoint's port, or -1 when it is off. */
    public int port() {
        return server == null ? -1 : port;
    }

    public static Resource resource(String serviceName, Map<String, String> env) {
        AttributesBuilder a = Attributes.builder();
        String attrs = env.get("OTEL_RESOURCE_ATTRIBUTES");
        if (attrs != null) {
            for (String kv : attrs.split(",")) {
                int eq = kv.indexOf('=');
                if (eq > 0) a.put(kv.substring(0, eq).trim(), java.net.URLDecoder.decode(kv.substring(eq + 1).trim(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        String name = serviceName != null && !serviceName.isBlank() ? serviceName : env.get("OTEL_SERVICE_NAME");
        if (name == null || name.isBlank()) name = defaultServiceName();
        a.put("service.name", name);
        a.put("telemetry.distro.name", "tokenpath");
        return Resource.getDefault().merge(Resource.create(a.build()));
    }

    private static String defaultServiceName() {
        String cmd = System.getProperty("sun.java.command", "");
        String main = cmd.split(" ")[0];
        if (main.endsWith(".jar")) main = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
        else main = main.substring(main.lastIndexOf('.') + 1);
        return main.isEmpty() ? "unknown_service:java" : main;
    }

    @Override
    public void close() {
        provider.close();
    }
}
