package io.tokenpath.samples.server;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One line per request and per server event on stderr (stdout carries only {@code LISTENING <port>}). Client
 * identity appears here and nowhere else in the server: capturing it as a metric label is the agent's job.
 */
public final class RequestLog {

    private static final int MAX_CLIENT_CHARS = 64;

    private final PrintStream out;

    public RequestLog(PrintStream out) {
        this.out = out;
    }

    public void event(String message) {
        out.println(Instant.now() + " tokenpath-samples " + message);
    }

    public void request(String id, String client, CompletionRequest r, int status, int completionTokens,
            double queueMs, double ttftMs, double e2eMs, String outcome) {
        event(String.format(java.util.Locale.ROOT,
                "request id=%s client=%s model=%s search=%s stream=%s status=%d prompt_tokens=%d completion_tokens=%d"
                        + " queue_ms=%.2f ttft_ms=%.2f e2e_ms=%.2f outcome=%s",
                id, client, r.model(), r.search().wireName(), r.stream(), status, r.promptTokens(), completionTokens,
                queueMs, ttftMs, e2eMs, outcome));
    }

    /** Header values are client-controlled: keep log lines single-line and bounded. */
    public static String sanitizeClient(String raw) {
        if (raw == null || raw.isBlank()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < raw.length() && s.length() < MAX_CLIENT_CHARS; i++) {
            char c = raw.charAt(i);
            s.append(c > 0x20 && c < 0x7F ? c : '_');
        }
        return s.toString();
    }

    /** A failure with its stack trace: a generation error is a bug or a resource problem, worth the whole story. */
    public void failure(String message, Throwable error) {
        synchronized (out) {
            event(message + ": " + error);
            error.printStackTrace(out);
        }
    }
}
