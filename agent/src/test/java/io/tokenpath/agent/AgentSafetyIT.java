package io.tokenpath.agent;

import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent never changes what the application computes and never breaks it: same tokens with and without it
 * (and with the tap capturing), hooks that all throw are contained and counted, bad configuration is one line per
 * problem and the service runs; and the same on the Temurin 25 JDK.
 */
class AgentSafetyIT {
    private static String generate(String javaBin, String agentArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        if (agentArgs != null) cmd.add("-javaagent:" + AgentJarIT.agentJar().toAbsolutePath() + "=" + agentArgs);
        cmd.addAll(SampleService.DJL_FLAGS);
        if (javaBin.contains("25")) cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of("-jar", SampleService.SAMPLES_JAR.toString(), "generate", "--model", "tiny", "--max-tokens", "24",
                "--warmup", "0", "--runs", "1", "--prompt-len", "20"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        if (agentArgs != null) assertTrue(out.contains("[tokenpath] agent"), "the agent started: " + out);
        return out.lines().filter(l -> l.startsWith("tokens: ")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static int port() throws Exception {
        return LateAttachIT.freePort();
    }

    @Test
    void generatedTokensAreIdenticalWithAndWithoutTheAgent() throws Exception {
        String java = SampleService.javaBin();
        String plain = generate(java, null);
        assertEquals(plain, generate(java, "metrics.host=127.0.0.1,metrics.port=" + port()));
        Path stream = Files.createTempDirectory("tp-same").resolve("s.stream");
        assertEquals(plain, generate(java, "metrics.host=127.0.0.1,metrics.port=" + port() + ",capture.output=" + stream),
                "capturing every block changes nothing either");
        assertTrue(Files.size(stream) > 0);
    }

    @Test
    void theTemurin25JdkRunsTheAgentAndGetsTheSameTokens() throws Exception {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        assumeTrue(Files.isExecutable(jdk25), "no Temurin 25 JDK at " + jdk25 + " (this machine image ships one)");
        String on17 = generate(SampleService.javaBin(), null);
        assertEquals(on17, generate(jdk25.toString(), "metrics.host=127.0.0.1,metrics.port=" + port()));
    }

    @Test
    void failuresInsideTheAgentNeverReachTheApplication() throws Exception {
        Map<String, Object> report;
        PrometheusText m;
        try (SampleService s = SampleService.start("debug.fail_hooks=true", "--models", "tiny", "--workers", "1")) {
            report = Json.parseObject(Files.readString(s.load("--model", "tiny", "--num-prompts", "4", "--max-tokens", "8",
                    "--concurrency", "2", "--clients", "alice")));
            m = PrometheusText.parse(s.metrics());
        }
        assertEquals(4L, ((Number) report.get("completed")).longValue());
        assertEquals(0L, ((Number) report.get("failed")).longValue());
        assertEquals(32L, ((Number) report.get("total_output_tokens")).longValue());
        assertTrue(m.sum("tokenpath_agent_instrumentation_errors_total") > 0, "every injected failure is counted");
        assertEquals(0, m.sum("tokenpath_tokens_total"), "the failing hooks recorded nothing");
    }

    @Test
    void badConfigurationIsOneClearLineAndTheServiceRuns() throws Exception {
        Map<String, Object> report;
        String log;
        Path out = Files.createTempDirectory("tp-badcfg").resolve("x.stream");
        try (SampleService s = SampleService.start("metrics.prot=1,client.max=lots,capture.output=" + out + ",capture.codec=brotli",
                "--models", "tiny", "--workers", "1")) {
            report = Json.parseObject(Files.readString(s.load("--model", "tiny", "--num-prompts", "2", "--max-tokens", "4")));
            log = Files.readString(s.log);
        }
        assertEquals(2L, ((Number) report.get("completed")).longValue());
        List<String> lines = log.lines().filter(l -> l.startsWith("[tokenpath] config:")).toList();
        assertEquals(3, lines.size(), "one line per problem:\n" + String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("unknown key 'metrics.prot'") && l.contains("metrics.port")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("client.max: 'lots' is not an integer")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("capture.codec: unknown codec 'brotli' (valid: none, lz4, zstd)")
                && l.contains("activation capture is off")), lines.toString());
        assertFalse(Files.exists(out), "the capture with the bad key did not start");
    }
}
