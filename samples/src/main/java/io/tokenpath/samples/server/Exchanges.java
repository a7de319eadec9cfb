package io.tokenpath.samples.server;

import com.google.gson.JsonElement;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading request bodies and writing whole JSON responses on a JDK {@link HttpExchange}. */
final class Exchanges {

    /** Request bodies beyond this are refused (413): prompts are bytes, and the context is 1024 tokens. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private Exchanges() {}

    static String readBody(HttpExchange exchange) throws IOException, ApiException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                body.write(buffer, 0, n);
                if (body.size() > MAX_BODY_BYTES) {
                    throw new ApiException(413, "invalid_request_error",
                            "request body exceeds " + MAX_BODY_BYTES + " bytes", null, null);
                }
            }
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    static void sendJson(HttpExchange exchange, int status, JsonElement body) throws IOException {
        byte[] bytes = OpenAiFormat.toJson(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void sendError(HttpExchange exchange, ApiException e) throws IOException {
        sendJson(exchange, e.status(), OpenAiFormat.error(e));
    }

    static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
