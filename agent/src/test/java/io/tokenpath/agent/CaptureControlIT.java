package io.tokenpath.agent;

import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The on-demand capture endpoint: capture the next N requests of a running service into a named file. */
class CaptureControlIT {
    private static HttpResponse<String> call(String method, int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void captureTheNextRequestsIntoANamedFile() throws Exception {
        Path dir = Files.createTempDirectory("tp-control");
        int port = LateAttachIT.freePort();
        try (SampleService s = SampleService.start("capture.control.port=" + port + ",capture.control.dir=" + dir,
                "--models", "tiny", "--workers", "1")) {
            assertEquals("{\"active\":false}", call("GET", port, "/capture").body());
            assertEquals(400, call("POST", port, "/capture/start?name=../escape.stream").statusCode(), "no paths");
            HttpResponse<String> bad = call("POST", port, "/capture/start?name=x.stream&codec=brotli");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("unknown codec 'brotli'"), bad.body());

            HttpResponse<String> started = call("POST", port, "/capture/start?name=next2.stream&requests=2&steps=prefill");
            assertEquals(200, started.statusCode(), started.body());
            s.load("--model", "tiny", "--num-prompts", "4", "--max-tokens", "5", "--concurrency", "1");
            long deadline = System.currentTimeMillis() + 20_000;
            while (Json.parseObject(call("GET", port, "/capture").body()).get("active").equals(Boolean.TRUE)) {
                assertTrue(System.currentTimeMillis() < deadline, "the capture should close after 2 requests");
                Thread.sleep(50);
            }
        }
        Path file = dir.resolve("next2.stream");
        try (StreamReader r = StreamReader.open(file)) {
            long requests = r.frames().filter(f -> f.kind() == FrameKind.REQUEST).count();
            assertTrue(r.end().isClean(), r.end().toString());
            assertEquals(4, requests, "start and end events of exactly 2 requests");
        }
        Map<String, Object> side = Json.parseObject(Files.readString(dir.resolve("next2.stream_tokens.json")));
        assertEquals(10L, side.get("token_count"), "2 requests x 5 tokens");
        assertFalse(Files.exists(dir.getParent().resolve("escape.stream")));
    }
}
