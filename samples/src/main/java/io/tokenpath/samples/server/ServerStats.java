package io.tokenpath.samples.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's own counters, served at {@code GET /stats}. They let a test check the load generator's totals
 * against what the server actually generated; they are not the agent's metrics (the agent measures from inside).
 */
public final class ServerStats {

    final AtomicLong accepted = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong rejectedQueueFull = new AtomicLong();
    final AtomicLong badRequests = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong completionTokens = new AtomicLong();

    /** Counts a request whose response reported usage: the tokens are what the client was told. */
    void completed(int prompt, int completion) {
        completed.incrementAndGet();
        promptTokens.addAndGet(prompt);
        completionTokens.addAndGet(completion);
    }
}
