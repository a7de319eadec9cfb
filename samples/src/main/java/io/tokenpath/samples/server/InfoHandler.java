package io.tokenpath.samples.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.tokenpath.samples.model.LanguageModel;

import java.io.IOException;
import java.util.Map;

/** {@code GET /health}, {@code GET /v1/models}, {@code GET /stats}; anything else is a JSON 404. */
final class InfoHandler implements HttpHandler {

    private final Map<String, LanguageModel> models;
    private final InferenceQueue queue;
    private final ServerStats stats;
    private final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    InfoHandler(Map<String, LanguageModel> models, InferenceQueue queue, ServerStats stats) {
        this.models = models;
        this.queue = queue;
        this.stats = stats;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/health") || path.equals("/v1/models") || path.equals("/stats");
            if (!known) {
                Exchanges.sendError(exchange,
                        new ApiException(404, "invalid_request_error", "no endpoint " + path, null, null));
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                Exchanges.sendError(exchange, new ApiException(405, "invalid_request_error",
                        path + " accepts GET, not " + exchange.getRequestMethod(), null, null));
            } else if (path.equals("/health")) {
                JsonObject body = new JsonObject();
                body.addProperty("status", "ok");
                Exchanges.sendJson(exchange, 200, body);
            } else if (path.equals("/v1/models")) {
                Exchanges.sendJson(exchange, 200, modelList());
            } else {
                Exchanges.sendJson(exchange, 200, statsBody());
            }
        } finally {
            exchange.close();
        }
    }

    private JsonObject modelList() {
        JsonArray data = new JsonArray();
        for (LanguageModel m : models.values()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("id", m.name());
            entry.addProperty("object", "model");
            entry.addProperty("created", startedEpochSeconds);
            entry.addProperty("owned_by", "tokenpath-samples");
            entry.addProperty("parameters", m.parameterCount());
            entry.addProperty("context_length", m.config().context());
            data.add(entry);
        }
        JsonObject body = new JsonObject();
        body.addProperty("object", "list");
        body.add("data", data);
        return body;
    }

    private JsonObject statsBody() {
        JsonObject requests = new JsonObject();
        requests.addProperty("accepted", stats.accepted.get());
        requests.addProperty("completed", stats.completed.get());
        requests.addProperty("failed", stats.failed.get());
        requests.addProperty("cancelled", stats.cancelled.get());
        requests.addProperty("rejected_queue_full", stats.rejectedQueueFull.get());
        requests.addProperty("bad_request", stats.badRequests.get());
        JsonObject tokens = new JsonObject();
        tokens.addProperty("prompt", stats.promptTokens.get());
        tokens.addProperty("completion", stats.completionTokens.get());
        JsonObject q = new JsonObject();
        q.addProperty("waiting", queue.waiting());
        q.addProperty("running", queue.running());
        q.addProperty("capacity", queue.capacity());
        q.addProperty("workers", queue.workers());
        q.addProperty("continuous_batch", queue.continuousBatch());
        JsonObject body = new JsonObject();
        body.add("requests", requests);
        body.add("tokens", tokens);
        body.add("queue", q);
        return body;
    }
}
