package io.tokenpath.agent.impl.helper;

import io.tokenpath.agent.impl.AgentLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads the helper on a daemon thread of its own, forever: connects, follows the stream, and when the helper goes
 * away (restarted daemon, killed process) reconnects with a growing pause (1 s doubling to 30 s; back to 1 s once
 * a connection delivered data). The application never waits for any of it.
 */
public final class HelperClient implements AutoCloseable {
    static final long FIRST_BACKOFF_MS = 1000;
    static final long MAX_BACKOFF_MS = 30_000;
    private static final int LOGGED_LARGE_FILES = 20;

    private final HelperSource source;
    private final HelperMetrics metrics;
    private final AgentLog log;
    private final Thread thread;
    private volatile boolean closed;
    private volatile HelperSource.Connection current;
    private String lastProblem;

    HelperClient(HelperSource source, HelperMetrics metrics, AgentLog log) {
        this.source = source;
        this.metrics = metrics;
        this.log = log;
        this.thread = new Thread(this::run, "tokenpath-helper-client");
        thread.setDaemon(true);
    }

    /** Connects to the helper daemon's socket, checking that its owner is {@code expectedUser}. */
    public static HelperClient socket(java.nio.file.Path path, String expectedUser, HelperMetrics metrics, AgentLog log) {
        return new HelperClient(new SocketSource(path, expectedUser), metrics, log);
    }

    /** Starts {@code command} (a tokenpath-helper --pid ... command line) and reads its stdout. */
    public static HelperClient spawn(java.util.List<String> command, HelperMetrics metrics, AgentLog log) {
        return new HelperClient(new SpawnSource(command, log), metrics, log);
    }

    public HelperClient start() {
        thread.start();
        return this;
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MS;
        boolean everDelivered = false;
        while (!closed) {
            boolean delivered = false;
            try (HelperSource.Connection c = source.open()) {
                current = c;
                delivered = follow(c.lines());
                if (!closed) problem("the helper (" + source.describe() + ") closed the stream; reconnecting");
            } catch (NoHelperException e) {
                if (everDelivered) {
                    // A helper that went away (a restarting daemon removes and re-creates its socket): keep the
                    // growing pause, or a restart would wait out the 30 s meant for a host with no helper at all.
                    problem(e.getMessage() + ": the helper went away; looking again with a growing pause (up to every "
                            + MAX_BACKOFF_MS / 1000 + " s)");
                } else {
                    problem(e.getMessage() + ": kernel and GPU metrics are off until a helper runs there (looking again every "
                            + MAX_BACKOFF_MS / 1000 + " s)");
                    backoff = MAX_BACKOFF_MS;
                }
            } catch (IncompatibleHelperException e) {
                problem(e.getMessage() + " (" + source.describe() + "): not reading it; install matching versions");
                backoff = MAX_BACKOFF_MS;
            } catch (IOException | RuntimeException e) {
                if (!closed) problem("helper (" + source.describe() + "): " + e.getMessage());
            } finally {
                current = null;
                metrics.connected(false);
            }
            if (closed) return;
            if (delivered) {
                backoff = FIRST_BACKOFF_MS;
                everDelivered = true;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** Follows one connection to its end; true when it delivered at least one batch. */
    private boolean follow(BufferedReader in) throws IOException {
        boolean[] delivered = {false};
        int[] largeFiles = {0};
        HelperStream stream = new HelperStream(new HelperStream.Listener() {
            @Override
            public void hello(HelperRecord.Hello h) {
                log.info("helper connected (" + source.describe() + "): measuring pid " + h.fields().get("pid") + ", system calls "
                        + h.fields().get("syscall_mode") + ", " + h.fields().get("attach") + ", NVML " + h.fields().get("nvml")
                        + ", modules " + h.fields().get("modules"));
                lastProblem = null;
            }

            @Override
            public void meta(HelperRecord.Meta m) {
                metrics.define(m);
            }

            @Override
            public void snapshot(HelperSnapshot s) {
                metrics.publish(s);
                metrics.connected(true);
                delivered[0] = true;
            }

            @Override
            public void event(HelperRecord.Event e) {
                if (!e.name().equals("tokenpath.process.large_file_open")) return;
                if (largeFiles[0]++ < LOGGED_LARGE_FILES) {
                    log.info("helper: large file opened: " + e.fields().get("path") + " (" + e.fields().get("size") + " bytes)"
                            + (largeFiles[0] == LOGGED_LARGE_FILES ? "; further ones are only counted (tokenpath_process_large_file_opens_total)" : ""));
                }
            }

            @Override
            public void closing(String reason) {
                log.info("helper is closing the stream: " + reason);
            }
        });
        String line;
        while (!closed && (line = in.readLine()) != null) {
            try {
                stream.accept(line);
            } catch (HelperProtocolException e) {
                metrics.protocolError();
                log.error("helper-protocol", e);
            }
        }
        return delivered[0];
    }

    /** Logs a problem once, until it changes or a connection succeeds (a missing daemon is not worth a line a minute). */
    private void problem(String msg) {
        if (Objects.equals(msg, lastProblem)) return;
        lastProblem = msg;
        log.info(msg);
    }

    boolean isConnected() {
        return metrics.isConnected();
    }

    @Override
    public void close() {
        closed = true;
        HelperSource.Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                log.info("closing the helper connection: " + e.getMessage());
            }
        }
        thread.interrupt();
    }
}
