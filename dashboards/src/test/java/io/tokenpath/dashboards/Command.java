package io.tokenpath.dashboards;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program to completion and keeps what it printed, so a failing check shows the tool's own words. */
record Command(int exitCode, String output) {

    static Command run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> argv)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        // Read while it runs: a full pipe would block the tool.
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output unreadable: " + e + ")").getBytes();
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", argv));
        }
        reader.join();
        return new Command(p.exitValue(), new String(out[0]));
    }

    static Command run(Path dir, long timeoutSeconds, String... argv) throws IOException, InterruptedException {
        return run(dir, Map.of(), timeoutSeconds, List.of(argv));
    }

    /** Fails with the command line and its output unless it exited 0. */
    Command ok(String what) {
        if (exitCode != 0) throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + output);
        return this;
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
