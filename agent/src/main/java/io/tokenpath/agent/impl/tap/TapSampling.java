package io.tokenpath.agent.impl.tap;

import java.util.Locale;

/**
 * Which requests and steps the tap records: one request in {@code everyNthRequest}; steps all, prefill only, the
 * first K, or every M-th; and at most {@code maxFramesPerRequest} tensor frames per request. Keys
 * {@code capture.sample_requests}, {@code capture.steps}, {@code capture.max_frames_per_request}.
 */
public record TapSampling(int everyNthRequest, StepRule steps, int stepParam, int maxFramesPerRequest, boolean allOutputs) {
    public enum StepRule { ALL, PREFILL, FIRST, EVERY }

    public static final TapSampling ALL = new TapSampling(1, StepRule.ALL, 0, Integer.MAX_VALUE, false);

    public boolean requestSelected(long requestSeq) {
        return requestSeq % everyNthRequest == 0;
    }

    public boolean stepSelected(int step) {
        switch (steps) {
            case PREFILL: return step == 0;
            case FIRST: return step < stepParam;
            case EVERY: return step % stepParam == 0;
            default: return true;
        }
    }

    /**
     * {@code steps}: {@code all}, {@code prefill}, {@code first:K}, {@code every:M}. {@code outputs}: {@code first}
     * (default: a block's activation, its first output) or {@code all} (also the key/value caches attention blocks
     * return, which grow with the sequence and are mostly the same bytes step after step).
     */
    public static TapSampling parse(String sampleRequests, String steps, String maxFrames, String outputs) {
        String o = outputs == null || outputs.isBlank() ? "first" : outputs.trim().toLowerCase(Locale.ROOT);
        if (!o.equals("first") && !o.equals("all")) {
            throw new IllegalArgumentException("capture.outputs: '" + outputs + "' is not first or all");
        }
        TapSampling t = parse(sampleRequests, steps, maxFrames);
        return new TapSampling(t.everyNthRequest, t.steps, t.stepParam, t.maxFramesPerRequest, o.equals("all"));
    }

    static TapSampling parse(String sampleRequests, String steps, String maxFrames) {
        int n = sampleRequests == null || sampleRequests.isBlank() ? 1 : Integer.parseInt(sampleRequests.trim());
        if (n < 1) throw new IllegalArgumentException("capture.sample_requests: must be >= 1 (1 = every request)");
        int max = maxFrames == null || maxFrames.isBlank() ? Integer.MAX_VALUE : Integer.parseInt(maxFrames.trim());
        if (max < 1) throw new IllegalArgumentException("capture.max_frames_per_request: must be >= 1");
        String s = steps == null || steps.isBlank() ? "all" : steps.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) return new TapSampling(n, StepRule.ALL, 0, max, false);
        if (s.equals("prefill")) return new TapSampling(n, StepRule.PREFILL, 0, max, false);
        int colon = s.indexOf(':');
        if (colon > 0) {
            int k = Integer.parseInt(s.substring(colon + 1));
            if (k >= 1 && s.startsWith("first")) return new TapSampling(n, StepRule.FIRST, k, max, false);
            if (k >= 1 && s.startsWith("every")) return new TapSampling(n, StepRule.EVERY, k, max, false);
        }
        throw new IllegalArgumentException("capture.steps: '" + steps + "' is not all, prefill, first:K or every:M");
    }

    @Override
    public String toString() {
        return "requests 1/" + everyNthRequest + ", steps " + steps.name().toLowerCase(Locale.ROOT)
                + (stepParam > 0 ? ":" + stepParam : "") + (maxFramesPerRequest == Integer.MAX_VALUE ? "" : ", max "
                + maxFramesPerRequest + " frames/request") + (allOutputs ? ", all outputs" : ", first output");
    }
}
