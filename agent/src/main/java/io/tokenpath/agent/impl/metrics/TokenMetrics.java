package io.tokenpath.agent.impl.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;

/**
 * Every token-path instrument, created once. Names follow the OTel GenAI semantic conventions where they exist
 * (gen_ai.server.*); the rest live under tokenpath.*. Each histogram carries explicit bucket advice in seconds
 * (the SDK's default bounds are sized for milliseconds and would put every LLM timing in the first bucket).
 * docs/metrics.md lists what these become on /metrics.
 */
public final class TokenMetrics {
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    public static final AttributeKey<String> CLIENT = AttributeKey.stringKey("tokenpath.client");
    public static final AttributeKey<String> SEARCH = AttributeKey.stringKey("tokenpath.search");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("tokenpath.outcome");
    public static final AttributeKey<String> FINISH = AttributeKey.stringKey("tokenpath.finish_reason");
    public static final AttributeKey<String> PHASE = AttributeKey.stringKey("tokenpath.phase");
    public static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("tokenpath.component");

    public final DoubleHistogram timeToFirstToken;
    public final DoubleHistogram timePerOutputToken;
    public final DoubleHistogram requestDuration;
    public final DoubleHistogram interTokenLatency;
    public final DoubleHistogram queueTime;
    public final DoubleHistogram prefillTime;
    public final DoubleHistogram decodeTime;
    public final DoubleHistogram modelCallDuration;
    public final LongHistogram batchSize;
    public final DoubleHistogram modelLoadDuration;
    public final LongCounter tokens;
    public final LongCounter requests;
    public final LongUpDownCounter requestsRunning;
    public final LongCounter instrumentationErrors;
    public final DoubleHistogram streamTimeToFirstChunk;
    public final DoubleHistogram streamChunkGap;
    public final DoubleHistogram streamDuration;
    public final LongCounter streamChunks;

    public TokenMetrics(Meter meter, List<Double> ttft, List<Double> itl, List<Double> request) {
        timeToFirstToken = meter.histogramBuilder("gen_ai.server.time_to_first_token").setUnit("s")
                .setDescription("Time from request arrival (or generation start when arrival is unknown) to the first output token")
                .setExplicitBucketBoundariesAdvice(ttft).build();
        timePerOutputToken = meter.histogramBuilder("gen_ai.server.time_per_output_token").setUnit("s")
                .setDescription("Per request: (duration - time to first token) / (output tokens - 1)")
                .setExplicitBucketBoundariesAdvice(itl).build();
        requestDuration = meter.histogramBuilder("gen_ai.server.request.duration").setUnit("s")
                .setDescription("Time from request arrival (or generation start) to the last output token")
                .setExplicitBucketBoundariesAdvice(request).build();
        interTokenLatency = meter.histogramBuilder("tokenpath.inter_token_latency").setUnit("s")
                .setDescription("Every gap between consecutive decode steps of a request (not a per-request mean)")
                .setExplicitBucketBoundariesAdvice(itl).build();
        queueTime = meter.histogramBuilder("tokenpath.request.queue_time").setUnit("s")
                .setDescription("Time a request waited between arrival and the start of its generation")
                .setExplicitBucketBoundariesAdvice(request).build();
        prefillTime = meter.histogramBuilder("tokenpath.request.prefill_time").setUnit("s")
                .setDescription("Generation start to first token: the prefill forward pass and first sampling")
                .setExplicitBucketBoundariesAdvice(request).build();
        decodeTime = meter.histogramBuilder("tokenpath.request.decode_time").setUnit("s")
                .setDescription("First token to last token")
                .setExplicitBucketBoundariesAdvice(request).build();
        modelCallDuration = meter.histogramBuilder("tokenpath.model.call.duration").setUnit("s")
                .setDescription("Predictor.batchPredict time, split by component: model (the block forward) and translator")
                .setExplicitBucketBoundariesAdvice(Buckets.MODEL_CALL).build();
        batchSize = meter.histogramBuilder("tokenpath.batch.size").ofLongs().setUnit("{sequence}")
                .setDescription("Sequences in the batch at each decode step")
                .setExplicitBucketBoundariesAdvice(Buckets.BATCH.stream().map(Double::longValue).toList()).build();
        modelLoadDuration = meter.histogramBuilder("tokenpath.model.load.duration").setUnit("s")
                .setDescription("Time to load a DJL model's weights (Model.load of the engine's model class)")
                .setExplicitBucketBoundariesAdvice(request).build();
        tokens = meter.counterBuilder("tokenpath.tokens").setUnit("{token}")
                .setDescription("Tokens processed, by gen_ai.token.type (input = prompt, output = generated), client and model").build();
        requests = meter.counterBuilder("tokenpath.requests").setUnit("{request}")
                .setDescription("Finished generation requests by outcome and finish reason").build();
        requestsRunning = meter.upDownCounterBuilder("tokenpath.requests.running").setUnit("{request}")
                .setDescription("Generation requests executing now").build();
        instrumentationErrors = meter.counterBuilder("tokenpath.agent.instrumentation.errors").setUnit("{error}")
                .setDescription("Failures inside the agent's hooks, suppressed so the application never sees them").build();
        streamTimeToFirstChunk = meter.histogramBuilder("tokenpath.stream.time_to_first_chunk").setUnit("s")
                .setDescription("Streamed responses (DJL ChunkedBytesSupplier / PublisherBytesSupplier): request arrival, or the stream's creation, to its first chunk")
                .setExplicitBucketBoundariesAdvice(ttft).build();
        streamChunkGap = meter.histogramBuilder("tokenpath.stream.chunk_gap").setUnit("s")
                .setDescription("Every gap between consecutive chunks of a streamed response")
                .setExplicitBucketBoundariesAdvice(itl).build();
        streamDuration = meter.histogramBuilder("tokenpath.stream.duration").setUnit("s")
                .setDescription("Request arrival, or the stream's creation, to the last chunk of a streamed response")
                .setExplicitBucketBoundariesAdvice(request).build();
        streamChunks = meter.counterBuilder("tokenpath.stream.chunks").setUnit("{chunk}")
                .setDescription("Chunks appended to streamed responses").build();
    }

    /** Requests queued (to an executor or a blocking queue) from a request thread and not started yet. */
    public static void waitingGauge(Meter meter, java.util.function.LongSupplier waiting) {
        meter.gaugeBuilder("tokenpath.requests.waiting").ofLongs().setUnit("{request}")
                .setDescription("Requests queued from a request thread (executor task or blocking-queue job) and not started yet")
                .buildWithCallback(o -> o.record(waiting.getAsLong()));
    }

    public static Attributes component(String c) {
        return Attributes.of(COMPONENT, c);
    }

    /** The two components of a model call, built once: they are recorded on every call. */
    public static final Attributes MODEL_COMPONENT = component("model");
    public static final Attributes TRANSLATOR_COMPONENT = component("translator");
}
