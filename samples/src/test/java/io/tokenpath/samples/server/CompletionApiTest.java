package io.tokenpath.samples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.tokenpath.samples.model.ModelConfig;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The OpenAI-compatible API of a real server on an ephemeral port, over real HTTP, on the tiny model. */
class CompletionApiTest {

    private static final String PROMPT = "hello tokenpath";

    private static SampleServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = SampleServer.start(ServerOptions.defaults().withPort(0).withWorkersAndQueue(2, 16)
                .withModels(List.of(ModelConfig.TINY)));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void completionReturnsTextAndExactUsage() throws Exception {
        HttpResponse<String> r = http.postJson("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":5}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = Http.json(r);
        assertEquals("text_completion", body.get("object").getAsString());
        assertEquals("tiny", body.get("model").getAsString());
        JsonObject choice = body.getAsJsonArray("choices").get(0).getAsJsonObject();
        assertEquals("length", choice.get("finish_reason").getAsString());
        assertTrue(choice.has("text"));
        JsonObject usage = body.getAsJsonObject("usage");
        assertEquals(PROMPT.getBytes(StandardCharsets.UTF_8).length, usage.get("prompt_tokens").getAsInt());
        assertEquals(5, usage.get("completion_tokens").getAsInt());
        assertEquals(PROMPT.length() + 5, usage.get("total_tokens").getAsInt());
        assertTrue(r.headers().firstValue("X-Queue-Time-Ms").isPresent());
        assertEquals("per-token", r.headers().firstValue("X-Stream-Mode").orElseThrow());
    }

    @Test
    void chatCompletionAnswersAsTheAssistant() throws Exception {
        HttpResponse<String> r = http.postJson("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":4,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = Http.json(r);
        assertEquals("chat.completion", body.get("object").getAsString());
        JsonObject message = body.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message");
        assertEquals("assistant", message.get("role").getAsString());
        assertTrue(message.get("content").isJsonPrimitive());
        String rendered = ChatTemplate.render(List.of(new ChatTemplate.Message("system", "be brief"),
                new ChatTemplate.Message("user", "hi")));
        JsonObject usage = body.getAsJsonObject("usage");
        assertEquals(rendered.getBytes(StandardCharsets.UTF_8).length, usage.get("prompt_tokens").getAsInt());
        assertEquals(4, usage.get("completion_tokens").getAsInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"greedy", "beam", "contrastive", "loop"})
    void streamSendsOneChunkPerTokenThenUsageThenDone(String search) throws Exception {
        int n = 7;
        String request = "{\"model\":\"tiny\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + n
                + ",\"search\":\"" + search + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        HttpResponse<List<String>> r = http.postStream("/v1/completions", request);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        String mode = search.equals("greedy") || search.equals("loop") ? "per-token" : "buffered";
        assertEquals(mode, r.headers().firstValue("X-Stream-Mode").orElseThrow());

        List<String> events = Http.events(r.body());
        assertEquals(n + 2, events.size(), events.toString()); // n tokens, usage, [DONE]
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            JsonObject chunk = JsonParser.parseString(events.get(i)).getAsJsonObject();
            JsonObject choice = chunk.getAsJsonArray("choices").get(0).getAsJsonObject();
            text.append(choice.get("text").getAsString());
            assertEquals(i == n - 1, !choice.get("finish_reason").isJsonNull(), "finish_reason on chunk " + i);
            assertFalse(chunk.has("usage"));
        }
        JsonObject usageChunk = JsonParser.parseString(events.get(n)).getAsJsonObject();
        assertEquals(0, usageChunk.getAsJsonArray("choices").size());
        assertEquals(n, usageChunk.getAsJsonObject("usage").get("completion_tokens").getAsInt());
        assertEquals(PROMPT.length(), usageChunk.getAsJsonObject("usage").get("prompt_tokens").getAsInt());
        assertEquals("[DONE]", events.get(n + 1));

        // The same request without streaming gives the same text: the stream loses and invents nothing.
        HttpResponse<String> whole = http.postJson("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"" + PROMPT
                + "\",\"max_tokens\":" + n + ",\"search\":\"" + search + "\"}");
        assertEquals(Http.json(whole).getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString(),
                text.toString());
    }

    @Test
    void chatStreamCarriesDeltasAndNoUsageUnlessAsked() throws Exception {
        HttpResponse<List<String>> r = http.postStream("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":3,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode());
        List<String> events = Http.events(r.body());
        assertEquals(4, events.size(), events.toString());
        JsonObject first = JsonParser.parseString(events.get(0)).getAsJsonObject();
        assertEquals("chat.completion.chunk", first.get("object").getAsString());
        JsonObject delta = first.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta");
        assertEquals("assistant", delta.get("role").getAsString());
        assertTrue(delta.has("content"));
        assertEquals("[DONE]", events.get(3));
    }

    @Test
    void unknownModelIs404() throws Exception {
        HttpResponse<String> r = http.postJson("/v1/completions", "{\"model\":\"huge\",\"prompt\":\"x\"}");
        assertEquals(404, r.statusCode());
        JsonObject error = Http.json(r).getAsJsonObject("error");
        assertEquals("model_not_found", error.get("code").getAsString());
        assertTrue(error.get("message").getAsString().contains("huge"));
    }

    @Test
    void malformedRequestsAre400WithTheField() throws Exception {
        assertEquals(400, http.postJson("/v1/completions", "{not json").statusCode());
        HttpResponse<String> zero = http.postJson("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":0}");
        assertEquals(400, zero.statusCode());
        assertEquals("max_tokens", Http.json(zero).getAsJsonObject("error").get("param").getAsString());
        HttpResponse<String> search = http.postJson("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"x\",\"search\":\"sampling\"}");
        assertEquals(400, search.statusCode());
        assertEquals("search", Http.json(search).getAsJsonObject("error").get("param").getAsString());
        HttpResponse<String> tooLong = http.postJson("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":5000}");
        assertEquals(400, tooLong.statusCode());
        assertTrue(Http.json(tooLong).getAsJsonObject("error").get("message").getAsString().contains("context"));
    }

    @Test
    void healthModelsAndWrongMethods() throws Exception {
        assertEquals(200, http.get("/health").statusCode());
        assertEquals("ok", Http.json(http.get("/health")).get("status").getAsString());
        JsonObject models = Http.json(http.get("/v1/models"));
        assertEquals("tiny", models.getAsJsonArray("data").get(0).getAsJsonObject().get("id").getAsString());
        assertEquals(405, http.get("/v1/completions").statusCode());
        assertEquals(404, http.get("/nothing-here").statusCode());
    }
}
