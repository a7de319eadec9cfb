package io.tokenpath.agent.impl.djl;

import io.opentelemetry.api.common.Attributes;
import io.tokenpath.agent.impl.metrics.TokenMetrics;

/**
 * The token-path timing of one request, the same whether it runs alone on its thread ({@link RequestTracker}) or as
 * a row of a continuous batch ({@link BatchTracker}): arrival and start, first and last token, and what each moment
 * records.
 */
class TokenTimeline {
    private static final double NANOS = 1e9;

    final long start;
    final long origin; // HTTP arrival when known, else the start
    final RequestLabels labels;
    final long inputLength;
    long steps;
    long outputTokens;
    long firstToken;
    long lastToken;

    TokenTimeline(long start, long origin, RequestLabels labels, long inputLength) {
        this.start = start;
        this.origin = origin;
        this.labels = labels;
        this.inputLength = inputLength;
    }

    /** A step delivered {@code tokens} new tokens (one per sequence of the request) at {@code now}. */
    final void token(TokenMetrics m, long now, long tokens) {
        if (steps == 0) {
            firstToken = now;
            m.timeToFirstToken.record((now - origin) / NANOS, labels.base);
            m.prefillTime.record((now - start) / NANOS, labels.base);
        } else {
            m.interTokenLatency.record((now - lastToken) / NANOS, labels.base);
        }
        steps++;
        lastToken = now;
        outputTokens += tokens;
        m.tokens.add(tokens, labels.output);
    }

    /** The output is the truth for the token count: count what no hooked step reported, so the counters stay exact. */
    final void reconcile(TokenMetrics m, long produced) {
        if (produced > outputTokens) {
            m.tokens.add(produced - outputTokens, labels.output);
            outputTokens = produced;
        }
    }

    /** The request ended (with {@code error}, or null): duration, decode time, time per output token, outcome. */
    final void end(TokenMetrics m, long now, Throwable error, String finish) {
        Attributes attrs = error == null ? labels.base
                : labels.base.toBuilder().put(TokenMetrics.ERROR_TYPE, error.getClass().getName()).build();
        long end = steps > 0 ? lastToken : now;
        m.requestDuration.record((end - origin) / NANOS, attrs);
        if (steps > 0) m.decodeTime.record((lastToken - firstToken) / NANOS, labels.base);
        if (steps > 1) m.timePerOutputToken.record((lastToken - firstToken) / NANOS / (steps - 1), labels.base);
        m.requests.add(1, attrs.toBuilder().put(TokenMetrics.OUTCOME, error == null ? "success" : "error")
                .put(TokenMetrics.FINISH, finish).build());
        m.requestsRunning.add(-1, labels.running);
    }
}
