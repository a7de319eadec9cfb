package io.tokenpath.agent;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Client attribution on a servlet container and through OpenTelemetry baggage, with the real agent jar on a separate
 * JVM running real DJL generations: a Jetty 12 server (jakarta EE 10, and javax EE 8) whose servlet generates in
 * doPost, called with the client header, with only a W3C {@code baggage} header, with neither, and with a GET;
 * then generations the application runs under its own OpenTelemetry baggage, outside any HTTP request. Every
 * token must land on the right client label, exactly.
 */
class ClientAttributionIT {
    private static final int NEW_TOKENS = 6;

    /** The app: {@code NS} servlet API on Jetty's {@code EE} environment; prints PORT, then serves until stdin closes. */
    private static final String APP = String.join("\n",
            "import io.tokenpath.samples.model.*;",
            "import NS.servlet.http.*;",
            "import org.eclipse.jetty.server.*;",
            "import org.eclipse.jetty.EE.servlet.*;",
            "import io.opentelemetry.api.baggage.Baggage;",
            "import io.opentelemetry.context.Scope;",
            "public class ServletApp {",
            "  static ModelRunner runner;",
            "  public static class Gen extends HttpServlet {",
            "    @Override protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {",
            "      String prompt = new String(req.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);",
            "      long[] out;",
            "      try { synchronized (ServletApp.class) { out = runner.generate(prompt, " + NEW_TOKENS + ", SearchMode.GREEDY, TokenListener.NONE); } }",
            "      catch (Exception e) { throw new java.io.IOException(e); }",
            "      resp.setContentType(\"text/plain\"); resp.getWriter().print(out.length);",
            "    }",
            "  }",
            "  public static void main(String[] a) throws Exception {",
            "    io.tokenpath.samples.DjlDefaults.apply();",
            "    LanguageModel model = LanguageModel.load(ModelConfig.TINY);",
            "    runner = new ModelRunner(model);",
            "    // Outside any HTTP request: the application's own OpenTelemetry baggage names the client.",
            "    try (Scope s = Baggage.current().toBuilder().put(\"client.id\", \"carol\").build().makeCurrent()) {",
            "      for (int i = 0; i < 2; i++) runner.generate(\"in-process\", " + NEW_TOKENS + ", SearchMode.GREEDY, TokenListener.NONE);",
            "    }",
            "    Server server = new Server(new java.net.InetSocketAddress(\"127.0.0.1\", 0));",
            "    ServletContextHandler ctx = new ServletContextHandler();",
            "    ctx.addServlet(new ServletHolder(new Gen()), \"/v1/completions\");",
            "    server.setHandler(HANDLER);",
            "    server.start();",
            "    System.out.println(\"PORT \" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());",
            "    System.in.read();",
            "    server.stop();",
            "  }",
            "}");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jakarta", "javax"})
    void everyTokenLandsOnTheClientTheRequestNamed(String namespace) throws Exception {
        boolean jakarta = namespace.equals("jakarta");
        Path dir = Files.createTempDirectory("tp-servlet");
        Path src = dir.resolve("ServletApp.java");
        Files.writeString(src, APP.replace("NS.", namespace + ".").replace(".EE.", jakarta ? ".ee10." : ".ee8.")
                .replace("HANDLER", jakarta ? "ctx" : "ctx.get()"));
        int metricsPort = LateAttachIT.freePort();
        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.host=127.0.0.1,helper.mode=off,metrics.port=" + metricsPort));
        cmd.addAll(SampleService.DJL_FLAGS);
        cmd.addAll(List.of("-cp", appClassPath(), src.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.log").toFile()).start();
        String metrics;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String line;
            int port = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            assertTrue(port > 0, "the servlet app did not start:\n" + Files.readString(dir.resolve("stderr.log")));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port + "/v1/completions";
            for (String prompt : List.of("alice one", "alice two!", "alice 3")) {
                post(http, base, prompt, "X-Client-Id", "alice");
            }
            // Only baggage: the client entry among others, with a property and percent-encoding.
            post(http, base, "bob first", "baggage", "tenant=t1, client.id=b%6Fb;source=gateway");
            post(http, base, "bob again", "baggage", "client.id=bob");
            // The header wins over baggage.
            post(http, base, "header wins", "X-Client-Id", "alice", "baggage", "client.id=mallory");
            post(http, base, "nobody", null, null);
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode(), "a GET generates nothing");
            metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        PrometheusText m = PrometheusText.parse(metrics);
        assertClient(m, "alice", List.of("alice one", "alice two!", "alice 3", "header wins"));
        assertClient(m, "bob", List.of("bob first", "bob again"));
        assertClient(m, "unknown", List.of("nobody"));
        assertClient(m, "carol", List.of("in-process", "in-process"));
        assertEquals(0, m.sum("tokenpath_tokens_total", l -> "mallory".equals(l.get("tokenpath_client"))));
        // Queue time is measured from the HTTP arrival: the 7 POSTs, not the in-process generations.
        assertEquals(7, m.sum("tokenpath_request_queue_time_seconds_count"));
        assertEquals(0, m.sum("tokenpath_agent_instrumentation_errors_total"), metrics);
    }

    private static void assertClient(PrometheusText m, String client, List<String> prompts) {
        assertEquals(prompts.size(), m.sum("gen_ai_server_time_to_first_token_seconds_count", l -> client.equals(l.get("tokenpath_client"))),
                client + ": one TTFT per request");
        assertEquals(prompts.size() * NEW_TOKENS, m.sum("tokenpath_tokens_total", l -> client.equals(l.get("tokenpath_client"))
                && "output".equals(l.get("gen_ai_token_type"))), client + " output tokens");
        int input = prompts.stream().mapToInt(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        assertEquals(input, m.sum("tokenpath_tokens_total", l -> client.equals(l.get("tokenpath_client"))
                && "input".equals(l.get("gen_ai_token_type"))), client + " input tokens (byte tokenizer)");
    }

    private static void post(HttpClient http, String url, String prompt, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(prompt));
        for (int i = 0; i + 1 < headers.length; i += 2) if (headers[i] != null) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(String.valueOf(NEW_TOKENS), r.body().trim());
    }

    /** The samples jar (DJL, the model) and, from this test's class path, Jetty, both servlet APIs and OpenTelemetry's API. */
    private static String appClassPath() {
        List<String> picked = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("/org/eclipse/jetty/") || e.contains("servlet-api") || e.contains("/org/slf4j/slf4j-api/")
                        || e.contains("/opentelemetry-api/") || e.contains("/opentelemetry-context/") || e.contains("/opentelemetry-common/"))
                .collect(Collectors.toList());
        picked.add(0, SampleService.SAMPLES_JAR.toAbsolutePath().toString());
        return String.join(File.pathSeparator, picked);
    }
}
