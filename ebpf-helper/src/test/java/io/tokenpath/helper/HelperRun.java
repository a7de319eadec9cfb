package io.tokenpath.helper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The real tokenpath-helper binary in --pid (stdout) mode, its batches read as they come. */
final class HelperRun implements AutoCloseable {
    static final Path DIR = Path.of(System.getProperty("tokenpath.helper.dir", "target"));
    static final Path BINARY = DIR.resolve("tokenpath-helper");

    final Process process;
    final ProtocolReader reader = new ProtocolReader();
    final Path log;
    private final LinkedBlockingQueue<ProtocolReader.Batch> batches = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private HelperRun(Process p, Path log) {
        this.process = p;
        this.log = log;
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                ProtocolReader.Batch b;
                while ((b = reader.next(in)) != null) batches.add(b);
            } catch (IOException e) {
                // the helper ended
            } finally {
                ended = true;
            }
        }, "helper-reader");
        t.setDaemon(true);
        t.start();
    }

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    static HelperRun start(List<String> prefix, Map<String, String> env, String... args) throws IOException {
        assertTrue(Files.isExecutable(BINARY), "helper not built: " + BINARY.toAbsolutePath());
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(BINARY.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("tokenpath-helper", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().putAll(env);
        return new HelperRun(pb.start(), log);
    }

    static HelperRun forPid(long pid, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("--pid", Long.toString(pid), "--interval-ms", "100"));
        a.addAll(List.of(args));
        return start(List.of(), Map.of(), a.toArray(String[]::new));
    }

    /** The next batch, failing with the helper's log when none comes. */
    ProtocolReader.Batch next() throws Exception {
        ProtocolReader.Batch b = batches.poll(20, TimeUnit.SECONDS);
        if (b == null) fail("no batch from the helper in 20 s; its log:\n" + logText());
        return b;
    }

    /** A batch taken after everything that happened before this call (the one in flight may predate it). */
    ProtocolReader.Batch fresh() throws Exception {
        batches.clear();
        next();
        return next();
    }

    boolean ended() {
        return ended;
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
