package io.tokenpath.helper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** test/workload.c: a process that does exactly what it is told (see its header). */
final class Workload implements AutoCloseable {
    final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    private Workload(Process p) throws IOException {
        process = p;
        out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        in = new PrintWriter(p.getOutputStream(), true);
        assertEquals("ready ", out.readLine(), "workload did not start");
    }

    static Workload start(String... prefix) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(prefix));
        cmd.add(HelperRun.DIR.resolve("test/workload").toAbsolutePath().toString());
        return new Workload(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    long pid() {
        return process.pid();
    }

    /** Runs one command and waits for its answer; fails on "err". */
    void run(String command) throws IOException {
        in.println(command);
        String answer = out.readLine();
        assertNotNull(answer, "workload ended during: " + command);
        assertTrue(answer.startsWith("ok "), "workload: " + command + " -> " + answer);
    }

    @Override
    public void close() throws Exception {
        in.println("quit");
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
