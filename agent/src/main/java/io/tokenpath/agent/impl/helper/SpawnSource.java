package io.tokenpath.agent.impl.helper;

import io.tokenpath.agent.impl.AgentLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A helper the agent starts itself ({@code tokenpath-helper --pid N}), reading its stdout: for a single host where
 * the JVM runs as root, and for {@code watch}. The helper's own log lines go to the agent's log; the helper exits
 * when this JVM does (its stdout closes).
 */
final class SpawnSource implements HelperSource {
    private final List<String> command;
    private final AgentLog log;

    SpawnSource(List<String> command, AgentLog log) {
        this.command = List.copyOf(command);
        this.log = log;
    }

    @Override
    public Connection open() throws IOException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) log.info("helper: " + line.replaceFirst("^\\[tokenpath-helper\\] ", ""));
            } catch (IOException e) {
                // the helper ended; its exit status is reported by the client
            }
        }, "tokenpath-helper-stderr");
        err.setDaemon(true);
        err.start();
        return new Connection(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), () -> stop(p));
    }

    private void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            if (p.exitValue() != 0 && p.exitValue() != 143) log.info("helper exited with status " + p.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String describe() {
        return "spawned " + String.join(" ", command);
    }
}
