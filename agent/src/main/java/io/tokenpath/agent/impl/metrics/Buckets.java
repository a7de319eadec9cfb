package io.tokenpath.agent.impl.metrics;

import java.util.List;

/**
 * Default explicit bucket bounds, in seconds. They start far lower than vLLM's (whose 10 ms first ITL bucket hides
 * every CPU-model and small-GPU-model gap) and reach as high: LLM timings span 100 µs decode steps to hour-long
 * generations. Users override them per family (buckets.ttft, buckets.itl, buckets.request) or ask for exponential
 * histograms.
 */
public final class Buckets {
    private Buckets() {}

    public static final List<Double> TTFT = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
            0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0);

    public static final List<Double> ITL = List.of(0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.0075,
            0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 20.0, 80.0);

    public static final List<Double> REQUEST = List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0,
            2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0);

    public static final List<Double> MODEL_CALL = List.of(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);

    public static final List<Double> BATCH = List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0);
}
