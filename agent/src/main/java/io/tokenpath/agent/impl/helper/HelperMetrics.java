package io.tokenpath.agent.impl.helper;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.resources.Resource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The helper's series in OpenTelemetry. Counters and gauges become asynchronous instruments, created the first
 * time the helper describes them and read from the latest snapshot at each collection. Histograms arrive already
 * aggregated (the kernel keeps log2 buckets), which no OTel instrument can take: they are handed to the SDK as
 * explicit-bucket data through this {@link MetricProducer}, cumulative from the helper's start for the process.
 * Nothing is reported while no helper is connected.
 */
public final class HelperMetrics implements MetricProducer {
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("io.tokenpath.helper");

    private record HistogramMeta(String unit, String description, List<Double> bounds) {}

    private volatile HelperSnapshot snapshot = HelperSnapshot.EMPTY;
    private volatile Meter meter;
    private final Map<String, String> instruments = new ConcurrentHashMap<>(); // name -> type registered
    private final Map<String, HistogramMeta> histograms = new ConcurrentHashMap<>();
    private volatile boolean connected;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong protocolErrors = new AtomicLong();

    /** The meter for the helper's instruments (scope io.tokenpath.helper) and one for the agent's own health. */
    public void bind(Meter helperMeter, Meter agentMeter) {
        this.meter = helperMeter;
        agentMeter.gaugeBuilder("tokenpath.helper.connected").ofLongs()
                .setDescription("1 while the agent receives batches from tokenpath-helper, else 0")
                .buildWithCallback(o -> o.record(connected ? 1 : 0));
        agentMeter.counterBuilder("tokenpath.helper.batches").setUnit("{batch}")
                .setDescription("Batches received from tokenpath-helper")
                .buildWithCallback(o -> o.record(batches.get()));
        agentMeter.counterBuilder("tokenpath.helper.protocol_errors").setUnit("{line}")
                .setDescription("Lines from tokenpath-helper that could not be read (each skipped, the stream goes on)")
                .buildWithCallback(o -> o.record(protocolErrors.get()));
    }

    void connected(boolean c) {
        connected = c;
        if (!c) snapshot = HelperSnapshot.EMPTY;
    }

    void protocolError() {
        protocolErrors.incrementAndGet();
    }

    void define(HelperRecord.Meta m) {
        Meter mt = meter;
        if (mt == null) return;
        if (m.type().equals("histogram")) {
            histograms.put(m.name(), new HistogramMeta(m.unit(), m.description(), List.copyOf(m.bounds())));
            return;
        }
        if (!m.type().equals("counter") && !m.type().equals("gauge")) return; // events are not series
        String before = instruments.putIfAbsent(m.name(), m.type());
        if (before != null) return; // one instrument per name for the JVM's life; reconnects reuse it
        String name = m.name();
        if (m.type().equals("counter")) {
            mt.counterBuilder(name).ofDoubles().setUnit(m.unit()).setDescription(m.description())
                    .buildWithCallback(o -> snapshot.values(name).forEach(p -> o.record(p.value(), p.attributes())));
        } else {
            mt.gaugeBuilder(name).setUnit(m.unit()).setDescription(m.description())
                    .buildWithCallback(o -> snapshot.values(name).forEach(p -> o.record(p.value(), p.attributes())));
        }
    }

    void publish(HelperSnapshot s) {
        snapshot = s;
        batches.incrementAndGet();
    }

    boolean isConnected() {
        return connected;
    }

    @Override
    public Collection<MetricData> produce(Resource resource) {
        HelperSnapshot s = snapshot;
        if (s.histograms.isEmpty()) return List.of();
        List<MetricData> out = new ArrayList<>();
        s.histograms.forEach((name, points) -> {
            HistogramMeta meta = histograms.get(name);
            if (meta == null) return; // described later in the stream, or never: no bounds, nothing to say
            List<HistogramPointData> data = new ArrayList<>(points.size());
            for (HelperSnapshot.HistPoint p : points) {
                if (p.counts().length != meta.bounds.size() + 1) {
                    protocolErrors.incrementAndGet();
                    continue;
                }
                List<Long> counts = new ArrayList<>(p.counts().length);
                for (long c : p.counts()) counts.add(c);
                data.add(ImmutableHistogramPointData.create(s.startEpochNanos, s.epochNanos, p.attributes(), p.sum(),
                        false, 0, false, 0, meta.bounds, counts));
            }
            out.add(ImmutableMetricData.createDoubleHistogram(resource, SCOPE, name, meta.description, meta.unit,
                    ImmutableHistogramData.create(AggregationTemporality.CUMULATIVE, data)));
        });
        return out;
    }
}
