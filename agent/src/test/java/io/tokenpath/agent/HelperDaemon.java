package io.tokenpath.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The real tokenpath-helper (built by ebpf-helper) as a daemon on a socket, with the test-only fake NVML library. */
final class HelperDaemon implements AutoCloseable {
    static final Path DIR = Path.of(System.getProperty("tokenpath.helper.dir", "../ebpf-helper/target")).toAbsolutePath();
    static final Path BINARY = DIR.resolve("tokenpath-helper");
    static final Path FAKE_NVML = DIR.resolve("test/fake-nvml");

    final Process process;
    final Path socket;
    final Path log;

    private HelperDaemon(Process p, Path socket, Path log) {
        this.process = p;
        this.socket = socket;
        this.log = log;
    }

    static boolean isRoot() throws Exception {
        return Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    }

    static HelperDaemon start(Path socket, Map<String, String> env, String... args) throws Exception {
        assertTrue(Files.isExecutable(BINARY), "helper not built (the ebpf-helper module builds it): " + BINARY);
        Path log = Files.createTempFile("tokenpath-helper-daemon", ".log");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--socket", socket.toString(), "--interval-ms", "200"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LD_LIBRARY_PATH", FAKE_NVML.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) {
            assertTrue(p.isAlive(), "helper daemon ended: " + Files.readString(log));
            Thread.sleep(25);
        }
        assertTrue(Files.exists(socket), "no socket: " + Files.readString(log));
        return new HelperDaemon(p, socket, log);
    }

    String logText() throws Exception {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
