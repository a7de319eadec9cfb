package io.tokenpath.agent.impl.tap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tokenpath.agent.impl.AgentLog;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.pipeline.CaptureStats;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * On-demand captures over HTTP, off unless {@code capture.control.port} is set, bound to loopback unless
 * {@code capture.control.host} says otherwise. Files go only into {@code capture.control.dir} and are named by a
 * plain file name, so the endpoint cannot be used to write anywhere else.
 *
 * <pre>
 * POST /capture/start?name=run1.stream&amp;requests=5&amp;preset=balanced&amp;steps=first:8   capture the next 5 requests
 * POST /capture/stop                                                        close the running capture
 * GET  /capture                                                             status and counters (JSON)
 * </pre>
 */
public final class CaptureControlServer {
    private final HttpServer server;
    private final ActivationTap tap;
    private final Path dir;
    private final AgentLog log;

    public CaptureControlServer(String host, int port, Path dir, ActivationTap tap, AgentLog log) throws IOException {
        this.tap = tap;
        this.dir = dir.toAbsolutePath().normalize();
        this.log = log;
        Files.createDirectories(this.dir);
        server = HttpServer.create(new InetSocketAddress(host, port), 8);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tokenpath-capture-control");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/capture", this::handle);
        server.start();
        log.info("capture control on http://" + host + ":" + port + "/capture (files in " + this.dir + ")");
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/capture") && method.equals("GET")) {
                reply(ex, 200, status());
            } else if (path.equals("/capture/start") && method.equals("POST")) {
                start(ex, query(ex.getRequestURI().getRawQuery()));
            } else if (path.equals("/capture/stop") && method.equals("POST")) {
                boolean running = tap.active();
                tap.stop();
                reply(ex, 200, Json.map("stopped", running));
            } else {
                reply(ex, 404, Json.map("error", "use GET /capture, POST /capture/start?name=..., POST /capture/stop"));
            }
        } catch (RuntimeException e) {
            log.error("capture control", e);
            reply(ex, 500, Json.map("error", String.valueOf(e.getMessage())));
        } finally {
            ex.close();
        }
    }

    private void start(HttpExchange ex, Map<String, String> q) throws IOException {
        String name = q.remove("name");
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            reply(ex, 400, Json.map("error", "name: a plain file name is required (no path), e.g. name=run1.stream"));
            return;
        }
        Path out = dir.resolve(name).normalize();
        q.remove("output"); // the directory is the server's to choose
        String requests = q.remove("requests");
        Map<String, String> keys = new LinkedHashMap<>(q);
        keys.put("output", out.toString());
        try {
            CaptureStarter.start(keys, tap, "control");
            if (requests != null) tap.stopAfterRequests(Integer.parseInt(requests.trim()));
            reply(ex, 200, Json.map("started", true, "output", out.toString(), "requests", requests == null ? "unlimited" : requests));
        } catch (IllegalArgumentException e) {
            reply(ex, 400, Json.map("error", e.getMessage()));
        } catch (IOException e) {
            reply(ex, 500, Json.map("error", "cannot start: " + e.getMessage()));
        }
    }

    private Map<String, Object> status() {
        ActivationCapture c = tap.current();
        if (c == null) return Json.map("active", false);
        CaptureStats.Snapshot s = c.stats();
        return Json.map("active", true, "output", c.config().output().toString(), "tensors_written", s.tensorsWritten(),
                "tokens_written", s.tokensWritten(), "bytes_written", s.bytesWritten(), "dropped", s.droppedTotal());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) return m;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static void reply(HttpExchange ex, int status, Map<String, Object> body) throws IOException {
        byte[] b = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    public void stop() {
        server.stop(0);
    }
}
