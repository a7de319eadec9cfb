package io.tokenpath.samples.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Sends one streaming completion and times it from the client's side: TTFT at the first content chunk, every gap
 * between content chunks, end-to-end at {@code [DONE]}. Token counts come from the server's usage chunk
 * ({@code stream_options.include_usage}), so they are the server's own, not the client's guess.
 */
public final class StreamingClient {

    private final HttpClient http;
    private final LoadOptions options;
    private final URI endpoint;

    public StreamingClient(HttpClient http, LoadOptions options) {
        this.http = http;
        this.options = options;
        this.endpoint = URI.create(options.baseUrl() + (options.chat() ? "/v1/chat/completions" : "/v1/completions"));
    }

    /** @param benchmarkStart {@link System#nanoTime()} at the benchmark start, for {@code startNanos} */
    public RequestResult send(int index, String prompt, long benchmarkStart) {
        String client = options.clientFor(index);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(options.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body(prompt), StandardCharsets.UTF_8));
        if (client != null) {
            request.header(options.clientHeader(), client);
        }
        long start = System.nanoTime();
        long relStart = start - benchmarkStart;
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    return RequestResult.failed(index, client, response.statusCode(), errorMessage(text), relStart,
                            System.nanoTime() - start);
                }
                return readStream(index, client, in, start, relStart);
            }
        } catch (IOException e) {
            return RequestResult.failed(index, client, 0, e.getClass().getSimpleName() + ": " + e.getMessage(),
                    relStart, System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RequestResult.failed(index, client, 0, "interrupted", relStart, System.nanoTime() - start);
        }
    }

    private RequestResult readStream(int index, String client, InputStream in, long start, long relStart)
            throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long[] gaps = new long[Math.max(16, options.maxTokens())];
        int gapCount = 0;
        long ttft = -1;
        long last = 0;
        int chunks = 0;
        int promptTokens = -1;
        int completionTokens = -1;
        boolean done = false;
        String error = null;
        String line;
        while ((line = reader.readLine()) != null) {
            long now = System.nanoTime();
            if (!line.startsWith("data:")) {
                continue; // blank separators, comments, other SSE fields
            }
            String data = line.substring(5).trim();
            if (data.equals("[DONE]")) {
                done = true;
                last = now;
                break;
            }
            JsonObject chunk;
            try {
                chunk = JsonParser.parseString(data).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                error = "malformed SSE data: " + abbreviate(data);
                break;
            }
            if (chunk.has("error")) {
                error = "server error event: " + errorMessage(data);
                continue;
            }
            JsonArray choices = chunk.has("choices") && chunk.get("choices").isJsonArray()
                    ? chunk.getAsJsonArray("choices") : new JsonArray();
            if (!choices.isEmpty()) {
                if (ttft < 0) {
                    ttft = now - start;
                } else {
                    if (gapCount == gaps.length) {
                        gaps = Arrays.copyOf(gaps, gaps.length * 2);
                    }
                    gaps[gapCount++] = now - last;
                }
                last = now;
                chunks++;
            }
            JsonElement usage = chunk.get("usage");
            if (usage != null && usage.isJsonObject()) {
                promptTokens = usage.getAsJsonObject().get("prompt_tokens").getAsInt();
                completionTokens = usage.getAsJsonObject().get("completion_tokens").getAsInt();
            }
        }
        long e2e = (done ? last : System.nanoTime()) - start;
        if (error == null && !done) {
            error = "stream ended without [DONE]";
        }
        if (error == null && completionTokens < 0) {
            error = "no usage chunk (the server ignored stream_options.include_usage)";
        }
        if (error != null) {
            return new RequestResult(index, client, false, 200, error, relStart, ttft, Arrays.copyOf(gaps, gapCount),
                    e2e, chunks, promptTokens, completionTokens);
        }
        return new RequestResult(index, client, true, 200, null, relStart, ttft, Arrays.copyOf(gaps, gapCount), e2e,
                chunks, promptTokens, completionTokens);
    }

    private String body(String prompt) {
        JsonObject body = new JsonObject();
        body.addProperty("model", options.model());
        if (options.chat()) {
            JsonObject message = new JsonObject();
            message.addProperty("role", "user");
            message.addProperty("content", prompt);
            JsonArray messages = new JsonArray();
            messages.add(message);
            body.add("messages", messages);
        } else {
            body.addProperty("prompt", prompt);
        }
        body.addProperty("max_tokens", options.maxTokens());
        body.addProperty("temperature", 0);
        body.addProperty("search", options.search());
        body.addProperty("stream", true);
        JsonObject streamOptions = new JsonObject();
        streamOptions.addProperty("include_usage", true);
        body.add("stream_options", streamOptions);
        return body.toString();
    }

    /** The {@code error.message} of an OpenAI-style error body, or the body itself. */
    private static String errorMessage(String body) {
        try {
            JsonObject json = JsonParser.parseString(body).getAsJsonObject();
            if (json.has("error") && json.get("error").isJsonObject()) {
                JsonElement message = json.getAsJsonObject("error").get("message");
                if (message != null && !message.isJsonNull()) {
                    return message.getAsString();
                }
            }
        } catch (JsonParseException | IllegalStateException e) {
            // not JSON: report the raw text below
        }
        return abbreviate(body);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
