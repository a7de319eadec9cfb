package io.tokenpath.dashboards;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A JVM with the real agent jar attached (as a user runs one): the sample LLM service, or the model-load probe.
 * Waits for a marker line on stdout, then keeps draining stdout so the process never blocks on a full pipe.
 */
final class JvmProcess implements AutoCloseable {
    /** DJL offline, no tracking probe, one PyTorch thread (the samples jar's own defaults, made explicit). */
    static final List<String> DJL_FLAGS = List.of("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
            "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1");

    final Process process;
    final Path log;
    final String marker;

    private JvmProcess(Process process, Path log, String marker) {
        this.process = process;
        this.log = log;
        this.marker = marker;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts java -javaagent:<agent>=<agentArgs> <mainArgs...> and returns once a stdout line starts with ready. */
    static JvmProcess start(String agentArgs, List<String> mainArgs, String ready) throws Exception {
        assertTrue(Repo.exists(Repo.agentJar()), "agent jar not built: " + Repo.agentJar());
        assertTrue(Repo.exists(Repo.samplesJar()), "samples jar not built: " + Repo.samplesJar());
        Path log = Files.createTempFile("tokenpath-jvm", ".log");
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-javaagent:" + Repo.agentJar() + "=" + agentArgs));
        cmd.addAll(DJL_FLAGS);
        cmd.addAll(mainArgs);
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        String found = null;
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && (line = out.readLine()) != null) {
            if (line.startsWith(ready)) {
                found = line;
                break;
            }
        }
        if (found == null) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not print " + ready + "; its log:\n" + Files.readString(log));
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard: only the marker line matters
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "drain-" + p.pid());
        drain.setDaemon(true);
        drain.start();
        return new JvmProcess(p, log, found);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
