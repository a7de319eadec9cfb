package io.tokenpath.samples.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.SearchMode;
import io.tokenpath.samples.model.Utf8StreamDecoder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}. Validates the request, queues it (429 when
 * the queue is full), then relays the worker's events: one JSON response, or Server-Sent Events with one chunk per
 * token, an optional usage chunk and {@code data: [DONE]}.
 *
 * <p>Response headers, set once a worker has started the request: {@code X-Request-Id} and
 * {@code X-Queue-Time-Ms} (time spent waiting for a worker); non-streaming responses add
 * {@code X-Inference-Time-Ms}, and every response names its token path in {@code X-Stream-Mode}:
 * {@code per-token} when tokens leave as they are computed, {@code buffered} when the search (beam, contrastive)
 * only knows them at the end.
 */
final class CompletionsHandler implements HttpHandler {

    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT = "/v1/chat/completions";

    private final RequestParser parser;
    private final InferenceQueue queue;
    private final ServerStats stats;
    private final RequestLog log;
    private final String clientHeader;
    private final ServerLifecycle lifecycle;
    private final AtomicLong ids = new AtomicLong();

    CompletionsHandler(RequestParser parser, InferenceQueue queue, ServerStats stats, RequestLog log,
            String clientHeader, ServerLifecycle lifecycle) {
        this.parser = parser;
        this.queue = queue;
        this.stats = stats;
        this.log = log;
        this.clientHeader = clientHeader;
        this.lifecycle = lifecycle;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long arrival = System.nanoTime();
        lifecycle.enter();
        try {
            handleRequest(exchange, arrival);
        } finally {
            lifecycle.exit();
            exchange.close();
        }
    }

    private void handleRequest(HttpExchange exchange, long arrival) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean chat = CHAT.equals(path);
        try {
            if (!chat && !COMPLETIONS.equals(path)) {
                throw new ApiException(404, "invalid_request_error", "no endpoint " + path, null, null);
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                throw new ApiException(405, "invalid_request_error",
                        path + " accepts POST, not " + exchange.getRequestMethod(), null, null);
            }
            if (lifecycle.stopping()) {
                throw new ApiException(503, "server_error", "the server is shutting down", null, null);
            }
            CompletionRequest request = parser.parse(Exchanges.readBody(exchange), chat);
            if (queue.continuousBatch() > 0 && request.search() != SearchMode.CONTRASTIVE) {
                throw ApiException.badRequest("this server batches continuously with DJL's ContrastiveSeqBatchScheduler"
                        + " (--continuous-batch): search must be 'contrastive', not '" + request.search().wireName() + "'",
                        "search");
            }
            String id = (chat ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet();
            String client = RequestLog.sanitizeClient(exchange.getRequestHeaders().getFirst(clientHeader));
            GenerationJob job = new GenerationJob(id, client, request, arrival);
            switch (queue.submit(job)) {
                case QUEUE_FULL -> {
                    stats.rejectedQueueFull.incrementAndGet();
                    log.event("request id=" + id + " client=" + client + " rejected: queue full ("
                            + queue.waiting() + "/" + queue.capacity() + " waiting)");
                    throw new ApiException(429, "rate_limit_error", "the request queue is full ("
                            + queue.capacity() + " requests waiting); retry later", null, "queue_full");
                }
                case SHUTTING_DOWN -> throw new ApiException(503, "server_error", "the server is shutting down",
                        null, null);
                case ACCEPTED -> stats.accepted.incrementAndGet();
            }
            OpenAiFormat format = new OpenAiFormat(id, chat, request.model(), System.currentTimeMillis() / 1000);
            if (request.stream()) {
                stream(exchange, job, format);
            } else {
                respond(exchange, job, format);
            }
        } catch (ApiException e) {
            if (e.status() < 429) {
                stats.badRequests.incrementAndGet();
            }
            Exchanges.sendError(exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the inference worker", e);
        }
    }

    /** Non-streaming: wait for the whole generation, answer once. */
    private void respond(HttpExchange exchange, GenerationJob job, OpenAiFormat format)
            throws IOException, InterruptedException {
        CompletionRequest r = job.request();
        long started = 0;
        long firstToken = 0;
        while (true) {
            JobEvent event = job.next();
            if (event instanceof JobEvent.Started s) {
                started = s.nanos();
            } else if (event instanceof JobEvent.Token t) {
                firstToken = firstToken == 0 ? t.nanos() : firstToken;
            } else if (event instanceof JobEvent.Finished f) {
                String text = ByteTokenizer.decode(f.tokens());
                setTimingHeaders(exchange, job, started);
                exchange.getResponseHeaders().set("X-Inference-Time-Ms", Exchanges.millis(f.nanos() - started));
                Exchanges.sendJson(exchange, 200, format.completion(text, r.promptTokens(), f.tokens().length));
                stats.completed(r.promptTokens(), f.tokens().length);
                logDone(job, 200, f.tokens().length, started, firstToken, "ok");
                return;
            } else if (event instanceof JobEvent.Failed failed) {
                logFailure(job, failed.error());
                Exchanges.sendJson(exchange, 500, OpenAiFormat.error("generation failed: " + failed.error(),
                        "server_error", null, null));
                logDone(job, 500, 0, started, firstToken, "failed");
                return;
            } else if (event instanceof JobEvent.Cancelled c) {
                logDone(job, 499, 0, started, firstToken, "cancelled: " + c.reason());
                return;
            }
        }
    }

    /** Streaming: headers when a worker starts the request, then one SSE chunk per token as it arrives. */
    private void stream(HttpExchange exchange, GenerationJob job, OpenAiFormat format)
            throws IOException, InterruptedException {
        CompletionRequest r = job.request();
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        OutputStream out = null;
        long started = 0;
        long firstToken = 0;
        int sent = 0;
        try {
            while (true) {
                JobEvent event = job.next();
                if (event instanceof JobEvent.Started s) {
                    started = s.nanos();
                    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                    setTimingHeaders(exchange, job, started);
                    exchange.sendResponseHeaders(200, 0);
                    out = exchange.getResponseBody();
                } else if (event instanceof JobEvent.Token t) {
                    firstToken = firstToken == 0 ? t.nanos() : firstToken;
                    boolean last = t.index() == r.maxTokens() - 1;
                    String text = decoder.next(t.tokenId()) + (last ? decoder.finish() : "");
                    send(out, OpenAiFormat.toJson(format.tokenChunk(text, t.index(), last)));
                    sent++;
                } else if (event instanceof JobEvent.Finished f) {
                    if (sent != f.tokens().length) {
                        throw new IllegalStateException("streamed " + sent + " token chunks for "
                                + f.tokens().length + " generated tokens");
                    }
                    if (r.includeUsage()) {
                        send(out, OpenAiFormat.toJson(format.usageChunk(r.promptTokens(), sent)));
                    }
                    send(out, "[DONE]");
                    out.close();
                    stats.completed(r.promptTokens(), sent);
                    logDone(job, 200, sent, started, firstToken, "ok");
                    return;
                } else if (event instanceof JobEvent.Failed failed) {
                    logFailure(job, failed.error());
                    if (out == null) {
                        Exchanges.sendJson(exchange, 500, OpenAiFormat.error(
                                "generation failed: " + failed.error(), "server_error", null, null));
                    } else {
                        send(out, OpenAiFormat.toJson(OpenAiFormat.error(
                                "generation failed: " + failed.error(), "server_error", null, null)));
                        send(out, "[DONE]");
                        out.close();
                    }
                    logDone(job, 500, sent, started, firstToken, "failed");
                    return;
                } else if (event instanceof JobEvent.Cancelled c) {
                    logDone(job, 499, sent, started, firstToken, "cancelled: " + c.reason());
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away mid-stream: stop the generation at its next token instead of computing for
            // nobody, and say so in the log.
            job.cancel();
            logDone(job, 499, sent, started, firstToken, "client disconnected: " + e.getMessage());
        }
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void setTimingHeaders(HttpExchange exchange, GenerationJob job, long started) {
        exchange.getResponseHeaders().set("X-Request-Id", job.id());
        exchange.getResponseHeaders().set("X-Queue-Time-Ms", Exchanges.millis(started - job.arrivalNanos()));
        exchange.getResponseHeaders().set("X-Stream-Mode",
                job.request().search().streamsPerToken() ? "per-token" : "buffered");
    }

    private void logDone(GenerationJob job, int status, int tokens, long started, long firstToken, String outcome) {
        long arrival = job.arrivalNanos();
        long now = System.nanoTime();
        log.request(job.id(), job.client(), job.request(), status, tokens,
                started == 0 ? -1 : (started - arrival) / 1e6,
                firstToken == 0 ? -1 : (firstToken - arrival) / 1e6,
                (now - arrival) / 1e6, outcome);
    }

    private void logFailure(GenerationJob job, Throwable error) {
        log.failure("request id=" + job.id() + " failed", error);
    }
}
