package io.tokenpath.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * tokenpath-helper in daemon mode for the live test: `tokenpath-helper --socket <path>`, the agent then
 * connecting with helper.mode=socket. Started only where the binary exists and the test runs as root (the helper
 * loads eBPF programs). On a machine without an NVIDIA GPU its GPU data comes from the helper's own test stand-in
 * libnvidia-ml.so.1 (LD_LIBRARY_PATH), whose process list is read from a file so that it can name the JVM's pid.
 */
final class HelperDaemon implements AutoCloseable {
    final Process process;
    final Path socket;
    final Path log;
    final boolean gpu;
    private final Path processList;

    private HelperDaemon(Process process, Path socket, Path log, boolean gpu, Path processList) {
        this.process = process;
        this.socket = socket;
        this.log = log;
        this.gpu = gpu;
        this.processList = processList;
    }

    /** Why the helper cannot run here, or null when it can. */
    static String unavailableReason() throws Exception {
        if (!Files.isExecutable(Repo.helperBinary())) return "no helper binary at " + Repo.helperBinary() + " (mvn package builds it; as root)";
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) return "not root (uid " + uid + "): the helper loads eBPF programs";
        return null;
    }

    static boolean realGpu() {
        return Files.exists(Path.of("/dev/nvidiactl"));
    }

    static HelperDaemon start() throws Exception {
        Path dir = Files.createTempDirectory("tokenpath-helper");
        Path socket = dir.resolve("helper.sock");
        Path log = dir.resolve("helper.log");
        Path processList = dir.resolve("nvml-processes");
        Files.writeString(processList, "");
        List<String> cmd = new ArrayList<>(List.of(Repo.helperBinary().toString(), "--socket", socket.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        boolean fake = !realGpu() && Files.isRegularFile(Repo.fakeNvmlDir().resolve("libnvidia-ml.so.1"));
        if (fake) {
            env.put("LD_LIBRARY_PATH", Repo.fakeNvmlDir().toString());
            env.put("FAKE_NVML_PROCS_FILE", processList.toString());
            // A decoding GPU: kernels running 92 % of the time, memory controller busy 78 %.
            env.put("FAKE_NVML_UTIL", "92,78");
            env.put("FAKE_NVML_MEM_USED_PCT", "61");
        }
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("tokenpath-helper did not create " + socket + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return new HelperDaemon(p, socket, log, fake || realGpu(), processList);
    }

    /** Tells the NVML stand-in that this pid holds GPU memory (the JVM's own GPU memory panel). */
    void gpuProcess(long pid, long bytes) throws Exception {
        Files.writeString(processList, pid + ":" + bytes);
    }

    String agentArgs() {
        return "helper.mode=socket,helper.socket=" + socket;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
