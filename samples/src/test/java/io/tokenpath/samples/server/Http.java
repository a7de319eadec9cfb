package io.tokenpath.samples.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A small real-HTTP client for the server tests. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Client-Id", "test-client")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return CLIENT.send(post(path, json), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> postJsonAsync(String path, String json) {
        return CLIENT.sendAsync(post(path, json), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<List<String>> postStream(String path, String json) throws IOException, InterruptedException {
        HttpResponse<java.util.stream.Stream<String>> r = CLIENT.send(post(path, json), HttpResponse.BodyHandlers.ofLines());
        List<String> lines = r.body().toList();
        return new Lines(r, lines);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonObject stats() throws IOException, InterruptedException {
        return JsonParser.parseString(get("/stats").body()).getAsJsonObject();
    }

    static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    static List<String> events(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    /** An already-read streaming response with its lines as the body. */
    private record Lines(HttpResponse<?> r, List<String> body) implements HttpResponse<List<String>> {
        public int statusCode() { return r.statusCode(); }
        public HttpRequest request() { return r.request(); }
        public java.util.Optional<HttpResponse<List<String>>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return r.headers(); }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
        public URI uri() { return r.uri(); }
        public HttpClient.Version version() { return r.version(); }
    }
}
