package io.tokenpath.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real sample LLM service (samples/target/tokenpath-samples.jar, DJL + PyTorch) in its own JVM with the real
 * agent jar attached, as a user runs it; and the real load generator against it.
 */
final class SampleService implements AutoCloseable {
    static final Path SAMPLES_JAR = Path.of("..", "samples", "target", "tokenpath-samples.jar");
    static final List<String> DJL_FLAGS = List.of("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
            "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1");

    final Process process;
    final int port;
    final int metricsPort;
    final Path log;

    private SampleService(Process process, int port, int metricsPort, Path log) {
        this.process = process;
        this.port = port;
        this.metricsPort = metricsPort;
        this.log = log;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static SampleService start(String agentArgs, String... serverArgs) throws Exception {
        assertTrue(Files.isRegularFile(SAMPLES_JAR), "samples jar not built (mvn package builds samples before the agent): "
                + SAMPLES_JAR.toAbsolutePath());
        int metricsPort = LateAttachIT.freePort();
        Path log = Files.createTempFile("tokenpath-sample-server", ".log");
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.host=127.0.0.1,metrics.port=" + metricsPort + (agentArgs.isEmpty() ? "" : "," + agentArgs)));
        cmd.addAll(DJL_FLAGS);
        cmd.addAll(List.of("-jar", SAMPLES_JAR.toString(), "server", "--port", "0"));
        cmd.addAll(List.of(serverArgs));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        int port = -1;
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && (line = out.readLine()) != null) {
            if (line.startsWith("LISTENING ")) {
                port = Integer.parseInt(line.substring(10).trim());
                break;
            }
        }
        if (port < 0) {
            p.destroyForcibly();
            fail("sample server did not start; its log:\n" + Files.readString(log));
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new SampleService(p, port, metricsPort, log);
    }

    String metrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** Runs the load generator (a separate JVM, measuring from the client side); returns its JSON report. */
    Path load(String... loadArgs) throws Exception {
        Path json = Files.createTempFile("tokenpath-load", ".json");
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", SAMPLES_JAR.toString(), "load",
                "--url", "http://127.0.0.1:" + port, "--json", json.toString()));
        cmd.addAll(List.of(loadArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "load generator timed out");
        assertEquals(0, p.exitValue(), "load generator failed:\n" + out);
        return json;
    }

    /**
     * Runs a one-file Java application ({@code source}, whose public class is {@code className}) on a separate JVM
     * with the built agent jar ({@code metrics.host=127.0.0.1,metrics.port=P} plus {@code agentArgs}), DJL's
     * offline flags and {@code classPath}; the application gets the metrics port P as its first argument, then
     * {@code args}. Returns everything it printed; fails the test unless it exits 0 within two minutes.
     */
    static String runApp(String className, String source, String agentArgs, String classPath, String... args) throws Exception {
        Path dir = Files.createTempDirectory("tp-app");
        Path src = dir.resolve(className + ".java");
        Files.writeString(src, source);
        int port = LateAttachIT.freePort();
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.host=127.0.0.1,metrics.port=" + port + (agentArgs.isEmpty() ? "" : "," + agentArgs)));
        cmd.addAll(DJL_FLAGS);
        cmd.addAll(List.of("-cp", classPath, src.toString(), String.valueOf(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), className + " did not end:\n" + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The samples jar, absolute: DJL, PyTorch's natives and the sample model for a one-file application. */
    static String samplesClassPath() {
        return SAMPLES_JAR.toAbsolutePath().toString();
    }

    /** A number in the load generator's JSON report, by its path of keys ("per_client", "alice", "output_tokens"). */
    static double number(Map<String, Object> report, String... path) {
        Object v = report;
        for (String p : path) v = ((Map<?, ?>) v).get(p);
        assertNotNull(v, "no " + String.join(".", path) + " in the load report");
        return ((Number) v).doubleValue();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
