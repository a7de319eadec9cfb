package io.tokenpath.agent.impl.helper;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one connection's records: the hello, metadata, and batches, which become {@link HelperSnapshot}s handed
 * over at each batch end. Events go to the listener as they come.
 */
final class HelperStream {
    interface Listener {
        void hello(HelperRecord.Hello hello);

        void meta(HelperRecord.Meta meta);

        void snapshot(HelperSnapshot snapshot);

        void event(HelperRecord.Event event);

        void closing(String reason);
    }

    private final Listener listener;
    private final Map<Map<String, String>, Attributes> attributeCache = new HashMap<>();
    private boolean greeted;
    private long startEpochNanos;
    private long batchSeq = -1;
    private long batchNanos;
    private Map<String, List<HelperSnapshot.Point>> values;
    private Map<String, List<HelperSnapshot.HistPoint>> histograms;

    HelperStream(Listener listener) {
        this.listener = listener;
    }

    /** Takes one line; a malformed one throws {@link HelperProtocolException} and leaves the stream usable. */
    void accept(String line) {
        HelperRecord r = ProtocolParser.parse(line);
        if (!greeted && !(r instanceof HelperRecord.Hello)) throw new HelperProtocolException("the stream must begin with the helper's hello");
        if (r instanceof HelperRecord.Hello h) {
            if (h.protocol() != ProtocolParser.SUPPORTED_PROTOCOL) {
                throw new IncompatibleHelperException("the helper speaks protocol " + h.protocol() + "; this agent reads protocol "
                        + ProtocolParser.SUPPORTED_PROTOCOL);
            }
            greeted = true;
            startEpochNanos = parseLong(h.fields().get("start_unix_ns"));
            listener.hello(h);
        } else if (r instanceof HelperRecord.Meta m) {
            listener.meta(m);
        } else if (r instanceof HelperRecord.Begin b) {
            batchSeq = b.seq();
            batchNanos = b.unixNanos();
            values = new HashMap<>();
            histograms = new HashMap<>();
        } else if (r instanceof HelperRecord.Value v) {
            if (values == null) throw new HelperProtocolException("value outside a batch: " + v.name());
            values.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(new HelperSnapshot.Point(attributes(v.labels()), v.value()));
        } else if (r instanceof HelperRecord.Histogram h) {
            if (histograms == null) throw new HelperProtocolException("histogram outside a batch: " + h.name());
            histograms.computeIfAbsent(h.name(), k -> new ArrayList<>())
                    .add(new HelperSnapshot.HistPoint(attributes(h.labels()), h.count(), h.sum(), h.counts()));
        } else if (r instanceof HelperRecord.End e) {
            if (values == null || e.seq() != batchSeq) throw new HelperProtocolException("batch end " + e.seq() + " without its begin");
            listener.snapshot(new HelperSnapshot(startEpochNanos, batchNanos, values, histograms));
            values = null;
            histograms = null;
        } else if (r instanceof HelperRecord.Event ev) {
            listener.event(ev);
        } else if (r instanceof HelperRecord.Close c) {
            listener.closing(c.reason());
        }
        // Unknown records are skipped: a newer helper may send more than this agent knows
    }

    /** Label sets repeat every batch: one Attributes object each (bounded: the helper bounds its labels). */
    private Attributes attributes(Map<String, String> labels) {
        Attributes a = attributeCache.get(labels);
        if (a == null) {
            AttributesBuilder b = Attributes.builder();
            labels.forEach(b::put);
            a = b.build();
            if (attributeCache.size() < 100_000) attributeCache.put(labels, a);
        }
        return a;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
