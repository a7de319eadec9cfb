package io.tokenpath.capture.cli;

import io.tokenpath.capture.read.TensorSelector;

import java.util.Set;

/** The tensor-selection options shared by stats, export and plot: --layer REGEX, --request N, --steps A..B. */
final class SelectorOptions {
    private SelectorOptions() {}

    static final Set<String> NAMES = Set.of("layer", "request", "steps");
    static final String SYNOPSIS = "[--layer REGEX] [--request N] [--steps A..B]";

    /** A command's own valued options plus the selection options. */
    static Set<String> plus(String... own) {
        Set<String> s = new java.util.HashSet<>(NAMES);
        s.addAll(Set.of(own));
        return Set.copyOf(s);
    }

    static TensorSelector from(CliArgs a) throws UsageException {
        TensorSelector s = TensorSelector.all();
        String layer = a.value("layer");
        if (layer != null) {
            try {
                s = s.layerMatching(layer);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--layer: " + e.getMessage());
            }
        }
        Long request = a.longValue("request");
        if (request != null) s = s.request(request);
        String steps = a.value("steps");
        if (steps != null) {
            int[] r = parseSteps(steps);
            s = s.steps(r[0], r[1]);
        }
        return s;
    }

    /** "3" is 3..3; "1..4", "2.." and "..5" are ranges with both ends inclusive. */
    static int[] parseSteps(String text) throws UsageException {
        String t = text.trim();
        int dots = t.indexOf("..");
        try {
            int from;
            int to;
            if (dots < 0) {
                from = to = Integer.parseInt(t);
            } else {
                String a = t.substring(0, dots).trim();
                String b = t.substring(dots + 2).trim();
                from = a.isEmpty() ? Integer.MIN_VALUE : Integer.parseInt(a);
                to = b.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(b);
            }
            if (from > to) throw new UsageException("--steps: empty range '" + text + "'");
            return new int[] {from, to};
        } catch (NumberFormatException e) {
            throw new UsageException("--steps: '" + text + "' is not a step or range (examples: 3, 1..4, 2.., ..5)");
        }
    }
}
