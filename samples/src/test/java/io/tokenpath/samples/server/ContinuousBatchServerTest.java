package io.tokenpath.samples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;

import io.tokenpath.samples.model.ModelConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The server with {@code --continuous-batch 3}: concurrent requests batched, answered as one request each. */
class ContinuousBatchServerTest {

    private SampleServer batching;
    private SampleServer plain;
    private Http http;
    private Http plainHttp;

    @BeforeEach
    void start() throws Exception {
        ServerOptions d = ServerOptions.defaults();
        batching = SampleServer.start(new ServerOptions("127.0.0.1", 0, List.of(ModelConfig.TINY), 1, 16,
                d.clientHeader(), Duration.ofSeconds(5), 3));
        plain = SampleServer.start(d.withPort(0));
        http = new Http(batching.port());
        plainHttp = new Http(plain.port());
    }

    @AfterEach
    void stop() {
        batching.close();
        plain.close();
    }

    @Test
    void concurrentRequestsGetWhatContrastiveSearchGivesEachAlone() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        List<String> prompts = List.of("first prompt", "other prompt", "third prompt", "fourth promp", "fifth prompt");
        for (String p : prompts) {
            sent.add(http.postJsonAsync("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"" + p + "\",\"max_tokens\":9}"));
        }
        for (int i = 0; i < prompts.size(); i++) {
            HttpResponse<String> r = sent.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("buffered", r.headers().firstValue("X-Stream-Mode").orElse(""));
            JsonObject usage = Http.json(r).getAsJsonObject("usage");
            assertEquals(9, usage.get("completion_tokens").getAsInt());
            HttpResponse<String> alone = plainHttp.postJson("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\""
                    + prompts.get(i) + "\",\"max_tokens\":9,\"search\":\"contrastive\"}");
            assertEquals(text(alone), text(r), "batched text == contrastive alone for '" + prompts.get(i) + "'");
        }
        JsonObject queue = http.stats().getAsJsonObject("queue");
        assertEquals(3, queue.get("continuous_batch").getAsInt());
        assertEquals(0, queue.get("running").getAsInt());
    }

    @Test
    void anotherSearchIsRefusedAndAStreamCarriesEveryToken() throws Exception {
        HttpResponse<String> greedy = http.postJson("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":2,\"search\":\"greedy\"}");
        assertEquals(400, greedy.statusCode(), greedy.body());
        assertEquals("search", Http.json(greedy).getAsJsonObject("error").get("param").getAsString());

        HttpResponse<List<String>> s = http.postStream("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"stream me\",\"max_tokens\":5,\"stream\":true}");
        assertEquals(200, s.statusCode());
        long chunks = s.body().stream().filter(l -> l.startsWith("data: {")).count();
        assertEquals(5, chunks, s.body().toString());
        assertTrue(s.body().contains("data: [DONE]"));
    }

    private static String text(HttpResponse<String> r) {
        return Http.json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString();
    }
}
