package io.tokenpath.agent;

import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The public API (tokenpath-api) in a real application: a no-op without the agent; with it, a hand-written loop's
 * timeline, the client it names and a capture started and stopped at run time, all from the application's code.
 */
class PublicApiIT {
    static final Path API_JAR = Path.of("..", "api", "target", "tokenpath-api-0.1.0-SNAPSHOT.jar");

    private static final String APP = String.join("\n",
            "import io.tokenpath.api.Tokenpath;",
            "public class ApiApp { public static void main(String[] a) throws Exception {",
            "  System.out.println(\"attached=\" + Tokenpath.isAgentAttached());",
            "  System.out.println(\"capture=\" + Tokenpath.startCapture(a[0], \"preset=fast_capture\"));",
            "  System.out.println(\"badcapture=\" + Tokenpath.startCapture(a[0] + \".x\", \"codec=brotli\"));",
            "  Tokenpath.setClient(\"api-client\");",
            "  for (int r = 0; r < 3; r++) {",
            "    Tokenpath.requestStart(\"manual-model\");",
            "    for (int i = 0; i < 5; i++) { Thread.sleep(2); Tokenpath.token(65 + i); }",
            "    Tokenpath.requestEnd(null);",
            "  }",
            "  Tokenpath.requestEnd(null);",
            "  if (a.length > 1) {",
            "    String m = new String(new java.net.URL(\"http://127.0.0.1:\" + a[1] + \"/metrics\").openStream().readAllBytes());",
            "    m.lines().filter(l -> l.startsWith(\"tokenpath_tokens_total\") || l.startsWith(\"gen_ai_server_time_to_first_token_seconds_count\"))",
            "        .forEach(l -> System.out.println(\"metric \" + l));",
            "  }",
            "  System.out.println(\"stopped=\" + Tokenpath.stopCapture());",
            "}}");

    private static List<String> run(Path dir, List<String> agent, String... args) throws Exception {
        assertTrue(Files.isRegularFile(API_JAR), "api jar not built: " + API_JAR.toAbsolutePath());
        Path src = dir.resolve("ApiApp.java");
        Files.writeString(src, APP);
        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin()));
        cmd.addAll(agent);
        cmd.addAll(List.of("-cp", API_JAR.toAbsolutePath().toString() + File.pathSeparator + dir, src.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void withoutTheAgentEveryCallIsANoOp() throws Exception {
        Path dir = Files.createTempDirectory("tp-api");
        List<String> out = run(dir, List.of(), dir.resolve("never.stream").toString());
        assertTrue(out.containsAll(List.of("attached=false", "capture=false", "badcapture=false", "stopped=false")), out.toString());
        assertFalse(Files.exists(dir.resolve("never.stream")));
    }

    @Test
    void withTheAgentTheApiMeasuresAttributesAndCaptures() throws Exception {
        Path dir = Files.createTempDirectory("tp-api");
        Path stream = dir.resolve("api.stream");
        int port = LateAttachIT.freePort();
        List<String> out = run(dir, List.of("-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.host=127.0.0.1,metrics.port=" + port), stream.toString(), String.valueOf(port));
        assertTrue(out.containsAll(List.of("attached=true", "capture=true", "badcapture=false", "stopped=true")), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.contains("Tokenpath.startCapture: codec: unknown codec 'brotli'")), out.toString());
        String outputTokens = out.stream().filter(l -> l.contains("gen_ai_token_type=\"output\"")).findFirst().orElseThrow();
        assertTrue(outputTokens.contains("tokenpath_client=\"api-client\"") && outputTokens.contains("gen_ai_request_model=\"manual-model\"")
                && outputTokens.endsWith(" 15.0"), outputTokens);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("metric gen_ai_server_time_to_first_token_seconds_count") && l.endsWith(" 3")), out.toString());

        List<TokenRecord> tokens = new ArrayList<>();
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) if (f.kind() == FrameKind.TOKEN) tokens.add(f.token());
            assertTrue(r.end().isClean(), "stopCapture closed the stream");
        }
        assertEquals(15, tokens.size());
        for (int i = 0; i < 15; i++) {
            assertEquals(65 + i % 5, tokens.get(i).tokenId());
            assertEquals(i % 5, tokens.get(i).step());
        }
    }
}
