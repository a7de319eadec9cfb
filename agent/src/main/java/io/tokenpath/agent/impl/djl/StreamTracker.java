package io.tokenpath.agent.impl.djl;

import io.opentelemetry.api.common.Attributes;
import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.attribution.ClientAttribution;
import io.tokenpath.agent.impl.metrics.TokenMetrics;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Streamed responses as the client will see them: DJL's {@code ChunkedBytesSupplier} and
 * {@code PublisherBytesSupplier}, the objects DJL Serving's HTTP layer reads chunks from. A chunk appended there is
 * on its way to the client, whichever engine produced it (a Java generation here, or a Python engine's rolling
 * batch in DJL Serving, which the JVM sees only as chunks). Each stream is timed from its request's arrival (the
 * request context current where it was created), else from its creation: first chunk, every gap, last chunk.
 */
final class StreamTracker {
    private static final double NANOS = 1e9;

    /** One stream's timeline. Guarded by itself. */
    private static final class Stream {
        final long origin;
        final Attributes labels;
        long lastChunk;
        boolean ended;

        Stream(long origin, Attributes labels) {
            this.origin = origin;
            this.labels = labels;
        }
    }

    private final TokenMetrics m;
    private final ClientAttribution attribution;
    private final String provider;
    // Keyed by the supplier (identity: neither class defines equals), weakly: an abandoned stream is forgotten.
    private final Map<Object, Stream> streams = Collections.synchronizedMap(new WeakHashMap<>());

    StreamTracker(TokenMetrics metrics, ClientAttribution attribution, String provider) {
        this.m = metrics;
        this.attribution = attribution;
        this.provider = provider;
    }

    void created(Object stream) {
        long now = System.nanoTime();
        RequestContext ctx = RequestContext.current();
        Attributes labels = Attributes.of(TokenMetrics.PROVIDER, provider,
                TokenMetrics.OPERATION, ctx == null ? "text_completion" : ctx.operation,
                TokenMetrics.CLIENT, attribution.client(ctx));
        streams.put(stream, new Stream(ctx == null ? now : Math.min(ctx.arrivalNanos, now), labels));
    }

    void chunk(Object stream, boolean last) {
        long now = System.nanoTime();
        Stream s = streams.get(stream);
        if (s == null) return; // created before the agent attached
        synchronized (s) {
            if (s.ended) return; // DJL's suppliers accept chunks after the last; the client never reads them
            m.streamChunks.add(1, s.labels);
            if (s.lastChunk == 0) m.streamTimeToFirstChunk.record((now - s.origin) / NANOS, s.labels);
            else m.streamChunkGap.record((now - s.lastChunk) / NANOS, s.labels);
            s.lastChunk = now;
            if (last) {
                s.ended = true;
                m.streamDuration.record((now - s.origin) / NANOS, s.labels);
            }
        }
        if (last) streams.remove(stream);
    }
}
