package io.tokenpath.agent.impl.helper;

import java.util.List;
import java.util.Map;

/** One line of the helper protocol (docs/helper.md), parsed. */
sealed interface HelperRecord {
    /** {@code tokenpath-helper <version> key=value...} */
    record Hello(int protocol, Map<String, String> fields) implements HelperRecord {}

    /** {@code T name type unit bounds|- description} */
    record Meta(String name, String type, String unit, List<Double> bounds, String description) implements HelperRecord {}

    record Begin(long seq, long unixNanos) implements HelperRecord {}

    record End(long seq) implements HelperRecord {}

    /** A counter ({@code C}) or gauge ({@code G}) value. */
    record Value(boolean counter, String name, Map<String, String> labels, double value) implements HelperRecord {}

    /** Non-cumulative bucket counts, one more than the bounds of the metric's Meta. */
    record Histogram(String name, Map<String, String> labels, long count, double sum, long[] counts) implements HelperRecord {}

    record Event(String name, Map<String, String> labels, Map<String, String> fields) implements HelperRecord {}

    /** {@code X reason}: the helper is closing the stream. */
    record Close(String reason) implements HelperRecord {}

    /** A record type this agent does not know: ignored, as the protocol requires for forward compatibility. */
    record Unknown(char kind) implements HelperRecord {}
}
