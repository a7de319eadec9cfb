package io.tokenpath.bench.agent;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.tokenpath.agent.bootstrap.NoopHooks;
import io.tokenpath.agent.impl.AgentLog;
import io.tokenpath.agent.impl.djl.RequestTracker;
import io.tokenpath.agent.impl.metrics.Buckets;
import io.tokenpath.agent.impl.metrics.TokenMetrics;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * What one decode step costs the application thread when the agent is attached: the token hook inside a running
 * request (inter-token latency histogram, output-token counter, batch-size histogram, all on the real OTel SDK with
 * a reader attached), next to the no-op hook the bridge holds without the agent.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenEventBenchmark {

    static RequestTracker newTracker() {
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build();
        TokenMetrics m = new TokenMetrics(provider.get("bench"), Buckets.TTFT, Buckets.ITL, Buckets.REQUEST);
        return new RequestTracker(m,
                new io.tokenpath.agent.impl.attribution.ClientAttribution("X-Client-Id", "", new io.tokenpath.agent.impl.metrics.ClientLabels(50)),
                "djl", new AgentLog(null));
    }

    /** A request is running on this thread: each call is one decode step of it. */
    @State(Scope.Thread)
    public static class InRequest {
        RequestTracker tracker;
        long handle;

        @Setup
        public void setUp() {
            tracker = newTracker();
            handle = tracker.requestStart(null, null, "greedySearch");
        }

        @TearDown
        public void tearDown() {
            tracker.requestEnd(handle, null, null);
        }
    }

    /** No request running: each call is a whole (one-token) request. */
    @State(Scope.Thread)
    public static class Idle {
        RequestTracker tracker;

        @Setup
        public void setUp() {
            tracker = newTracker();
        }
    }

    @Benchmark
    public void tokenEventWithAgent(InRequest s) {
        s.tracker.token(null);
    }

    @Benchmark
    public void tokenEventNoAgent() {
        NoopHooks.INSTANCE.token(null);
    }

    @Benchmark
    public void requestLifecycleWithAgent(Idle s) {
        long h = s.tracker.requestStart(null, null, "greedySearch");
        s.tracker.token(null);
        s.tracker.requestEnd(h, null, null);
    }
}
