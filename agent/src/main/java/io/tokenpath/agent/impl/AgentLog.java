package io.tokenpath.agent.impl;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's log: one line per event, prefixed {@code [tokenpath]}. Errors from hooks are rate-limited per kind
 * (the first, then at most one a minute with a count), because a hook failing on every token must not flood the
 * application's stderr.
 */
public final class AgentLog {
    private static final long REPEAT_NANOS = 60_000_000_000L;
    private final PrintStream out;
    private final ConcurrentHashMap<String, long[]> lastByKind = new ConcurrentHashMap<>();

    public AgentLog(String file) {
        PrintStream p = System.err;
        if (file != null && !file.isBlank()) {
            try {
                p = new PrintStream(new FileOutputStream(file, true), true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("[tokenpath] log.file: cannot open '" + file + "' (" + e.getMessage() + "); logging to stderr");
            }
        }
        this.out = p;
    }

    public void info(String msg) {
        out.println("[tokenpath] " + msg);
    }

    /** Logs the first occurrence of {@code kind}, then at most once a minute with how many were suppressed. */
    public void error(String kind, Throwable t) {
        long now = System.nanoTime();
        long[] state = lastByKind.computeIfAbsent(kind, k -> new long[] {now - REPEAT_NANOS - 1, 0});
        synchronized (state) {
            if (now - state[0] < REPEAT_NANOS) {
                state[1]++;
                return;
            }
            long suppressed = state[1];
            state[0] = now;
            state[1] = 0;
            out.println("[tokenpath] " + Instant.now() + " error in " + kind + " (the application is not affected)"
                    + (suppressed > 0 ? ", " + suppressed + " more since the last report" : "") + ": " + t);
        }
    }
}
