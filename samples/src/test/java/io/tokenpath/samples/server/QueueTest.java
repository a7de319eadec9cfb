package io.tokenpath.samples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpath.samples.model.ModelConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One worker, a queue of one: requests really wait, and one too many is refused with 429. */
class QueueTest {

    private SampleServer server;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        server = SampleServer.start(ServerOptions.defaults().withPort(0).withWorkersAndQueue(1, 1)
                .withModels(List.of(ModelConfig.TINY)));
        http = new Http(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void fullQueueAnswers429AndTheQueuedRequestStillRuns() throws Exception {
        // A: a long streamed request; once its first chunk arrives, it holds the only worker.
        HttpResponse<InputStream> a = Http.CLIENT.send(http.post("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"long\",\"max_tokens\":900,\"search\":\"loop\",\"stream\":true}"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, a.statusCode());
        BufferedReader aBody = new BufferedReader(new InputStreamReader(a.body(), StandardCharsets.UTF_8));
        assertTrue(aBody.readLine().startsWith("data: "));

        // B: waits in the queue (its only slot).
        CompletableFuture<HttpResponse<String>> b = http.postJsonAsync("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"queued\",\"max_tokens\":2}");
        awaitWaiting(1);

        // C: no room.
        HttpResponse<String> c = http.postJson("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"c\",\"max_tokens\":2}");
        assertEquals(429, c.statusCode(), c.body());
        assertEquals("queue_full", Http.json(c).getAsJsonObject("error").get("code").getAsString());

        long aChunks = 1 + aBody.lines().filter(l -> l.startsWith("data: {")).count();
        assertEquals(900, aChunks);
        assertEquals(200, b.get().statusCode(), b.get().body());
        assertEquals(1, http.stats().getAsJsonObject("requests").get("rejected_queue_full").getAsInt());
    }

    @Test
    void secondConcurrentRequestWaitsForTheFirst() throws Exception {
        String body = "{\"model\":\"tiny\",\"prompt\":\"same work for both\",\"max_tokens\":200,\"search\":\"loop\"}";
        long t0 = System.nanoTime();
        CompletableFuture<Timed> first = http.postJsonAsync("/v1/completions", body)
                .thenApply(r -> new Timed(r, System.nanoTime() - t0));
        // The queue holds one: send the second once the worker has taken the first, or it may find the slot still
        // occupied and get 429 (on a busy machine the worker can be slow to wake).
        awaitRunning(1);
        CompletableFuture<Timed> second = http.postJsonAsync("/v1/completions", body)
                .thenApply(r -> new Timed(r, System.nanoTime() - t0));
        Timed t1 = first.get();
        Timed t2 = second.get();
        HttpResponse<String> r1 = t1.response();
        HttpResponse<String> r2 = t2.response();
        assertEquals(200, r1.statusCode());
        assertEquals(200, r2.statusCode());

        // Whichever the worker took second waited for the other's whole inference time.
        double q1 = queueMs(r1);
        double q2 = queueMs(r2);
        HttpResponse<String> ran = q1 <= q2 ? r1 : r2;
        HttpResponse<String> waited = q1 <= q2 ? r2 : r1;
        double inferenceOfFirst = Double.parseDouble(ran.headers().firstValue("X-Inference-Time-Ms").orElseThrow());
        assertTrue(queueMs(waited) >= inferenceOfFirst * 0.9,
                "queued " + queueMs(waited) + " ms behind a " + inferenceOfFirst + " ms inference");
        long latencyRan = ran == r1 ? t1.nanos() : t2.nanos();
        long latencyWaited = waited == r1 ? t1.nanos() : t2.nanos();
        assertTrue(latencyWaited >= latencyRan, "waited " + latencyWaited + " ns, ran " + latencyRan + " ns");
    }

    @Test
    void clientThatLeavesMidStreamStopsItsGeneration() throws Exception {
        HttpResponse<InputStream> r = Http.CLIENT.send(http.post("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"bye\",\"max_tokens\":900,\"search\":\"loop\",\"stream\":true}"),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader body = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertTrue(body.readLine().startsWith("data: "));
        body.close(); // the client goes away after the first token

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (http.stats().getAsJsonObject("requests").get("cancelled").getAsInt() != 1) {
            assertTrue(System.nanoTime() < deadline, "the generation was never cancelled: " + http.stats());
            Thread.sleep(10);
        }
        assertEquals(0, http.stats().getAsJsonObject("requests").get("completed").getAsInt());
        // The worker is free again.
        assertEquals(200, http.postJson("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":2}")
                .statusCode());
    }

    /** A response and the client-side latency at which it completed. */
    private record Timed(HttpResponse<String> response, long nanos) {}

    private static double queueMs(HttpResponse<String> r) {
        return Double.parseDouble(r.headers().firstValue("X-Queue-Time-Ms").orElseThrow());
    }

    private void awaitRunning(int n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (http.stats().getAsJsonObject("queue").get("running").getAsInt() != n) {
            assertTrue(System.nanoTime() < deadline, "the worker never ran " + n + " request(s)");
            Thread.sleep(2);
        }
    }

    private void awaitWaiting(int n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (http.stats().getAsJsonObject("queue").get("waiting").getAsInt() != n) {
            assertTrue(System.nanoTime() < deadline, "queue never held " + n + " request(s)");
            Thread.sleep(5);
        }
    }
}
