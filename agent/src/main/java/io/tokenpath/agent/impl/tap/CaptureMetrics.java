package io.tokenpath.agent.impl.tap;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.pipeline.CaptureStats;
import io.tokenpath.capture.pipeline.DropReason;

/**
 * The capture pipeline's health through OpenTelemetry, read from the running capture's counters at each scrape:
 * frames and bytes at each stage, drops by reason, ring use against its limit, time producers waited. Nothing is
 * reported while no capture runs; a new capture starts its counters at zero (a counter reset to Prometheus).
 */
public final class CaptureMetrics {
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("tokenpath.frame.kind");
    private static final AttributeKey<String> STAGE = AttributeKey.stringKey("tokenpath.capture.stage");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("tokenpath.drop.reason");

    private CaptureMetrics() {}

    public static void register(Meter meter, ActivationTap tap) {
        meter.counterBuilder("tokenpath.capture.frames").setUnit("{frame}")
                .setDescription("Frames written to the capture stream, by kind (tensor, token)")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s == null) return;
                    o.record(s.tensorsWritten(), Attributes.of(KIND, "tensor"));
                    o.record(s.tokensWritten(), Attributes.of(KIND, "token"));
                });
        meter.counterBuilder("tokenpath.capture.bytes").setUnit("By")
                .setDescription("Capture bytes by stage: source (copied from the model), encoded (after transform and codec), written (to the file)")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s == null) return;
                    o.record(s.bytesSource(), Attributes.of(STAGE, "source"));
                    o.record(s.bytesEncoded(), Attributes.of(STAGE, "encoded"));
                    o.record(s.bytesWritten(), Attributes.of(STAGE, "written"));
                });
        meter.counterBuilder("tokenpath.capture.dropped").setUnit("{frame}")
                .setDescription("Frames not written, by reason (ring_full, too_large, write_error, ...): nothing is lost silently")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s == null) return;
                    for (DropReason r : DropReason.values()) o.record(s.drops().get(r), Attributes.of(REASON, r.label()));
                });
        meter.upDownCounterBuilder("tokenpath.capture.ring.usage").setUnit("By")
                .setDescription("Bytes of the capture ring in use now")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s != null) o.record(s.ringUsedBytes());
                });
        meter.upDownCounterBuilder("tokenpath.capture.ring.limit").setUnit("By")
                .setDescription("Capacity of the capture ring (its share of max_memory)")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s != null) o.record(s.ringCapacity());
                });
        meter.upDownCounterBuilder("tokenpath.capture.ring.allocated").setUnit("By")
                .setDescription("Direct memory the capture ring holds: its segments are allocated as it first fills them,"
                        + " so this stays at the ring's high-water mark (at most the limit)")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s != null) o.record(s.ringAllocatedBytes());
                });
        meter.counterBuilder("tokenpath.capture.producer.wait").ofDoubles().setUnit("s")
                .setDescription("Time application threads waited for ring space (policy block)")
                .buildWithCallback(o -> {
                    CaptureStats.Snapshot s = snapshot(tap);
                    if (s != null) o.record(s.producerWaitNanos() / 1e9);
                });
    }

    private static CaptureStats.Snapshot snapshot(ActivationTap tap) {
        ActivationCapture c = tap.current();
        return c == null ? null : c.stats();
    }
}
