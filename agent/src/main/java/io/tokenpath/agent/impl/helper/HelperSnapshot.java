package io.tokenpath.agent.impl.helper;

import io.opentelemetry.api.common.Attributes;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One complete batch from the helper, immutable: swapped in whole at the batch's end, so a scrape never sees half
 * a batch. Cumulative values count from {@code startEpochNanos} (when the helper began measuring this process).
 */
final class HelperSnapshot {
    record Point(Attributes attributes, double value) {}

    record HistPoint(Attributes attributes, long count, double sum, long[] counts) {}

    static final HelperSnapshot EMPTY = new HelperSnapshot(0, 0, Collections.emptyMap(), Collections.emptyMap());

    final long startEpochNanos;
    final long epochNanos;
    final Map<String, List<Point>> values;
    final Map<String, List<HistPoint>> histograms;

    HelperSnapshot(long startEpochNanos, long epochNanos, Map<String, List<Point>> values, Map<String, List<HistPoint>> histograms) {
        this.startEpochNanos = startEpochNanos;
        this.epochNanos = epochNanos;
        this.values = values;
        this.histograms = histograms;
    }

    List<Point> values(String name) {
        return values.getOrDefault(name, Collections.emptyList());
    }
}
