package io.tokenpath.agent;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The other ways to the helper, on a small JVM (no model needed): the agent spawning the helper itself, the
 * socket owner check refusing an impostor, a bad helper.mode, and {@code watch --pid} for a process with no agent.
 */
class HelperModesIT {
    @TempDir
    static Path dir;
    static Path waiter;

    @BeforeAll
    static void program() throws Exception {
        assumeTrue(HelperDaemon.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
        waiter = dir.resolve("Waiter.java");
        Files.writeString(waiter, "public class Waiter { public static void main(String[] a) throws Exception {"
                + " System.out.println(\"READY\"); System.out.flush(); System.in.read(); } }");
    }

    record Jvm(Process process, int metricsPort, Path log) implements AutoCloseable {
        String metrics() throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        }

        String logText() throws Exception {
            return Files.readString(log);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Jvm jvm(String agentArgs) throws Exception {
        int port = LateAttachIT.freePort();
        Path log = Files.createTempFile("tokenpath-helper-modes", ".log");
        Process p = new ProcessBuilder(SampleService.javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.host=127.0.0.1,metrics.port=" + port + "," + agentArgs, waiter.toString())
                .redirectError(log.toFile()).start();
        String ready = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        assertEquals("READY", ready, Files.readString(log));
        return new Jvm(p, port, log);
    }

    static PrometheusText until(Jvm j, java.util.function.Predicate<PrometheusText> ok, String what) throws Exception {
        for (int i = 0; i < 150; i++) {
            try {
                PrometheusText m = PrometheusText.parse(j.metrics());
                if (ok.test(m)) return m;
            } catch (java.io.IOException e) {
                // the endpoint is not up yet (watch starts a JVM)
            }
            Thread.sleep(100);
        }
        fail(what + "\n" + j.metrics() + "\n" + j.logText());
        return null;
    }

    @Test
    void spawnModeStartsTheHelperForThisJvm() throws Exception {
        try (Jvm j = jvm("helper.mode=spawn,helper.path=" + HelperDaemon.BINARY + ",helper.args=--interval-ms 200 --no-nvml")) {
            PrometheusText m = until(j, p -> p.sum("tokenpath_helper_connected") == 1
                    && p.sum("tokenpath_process_oncpu_time_seconds_total") > 0, "spawned helper data");
            assertTrue(j.logText().contains("helper connected (spawned " + HelperDaemon.BINARY + " --pid " + j.process().pid()), j.logText());
            assertEquals(1, m.sum("tokenpath_helper_running", l -> "off".equals(l.get("tokenpath_helper_nvml"))));
        }
    }

    @Test
    void aSocketServedByAnotherUserIsRefused() throws Exception {
        // an impostor: a socket served by nobody, as a process without privileges could set up
        Path sock = dir.resolve("impostor.sock");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String py = "import socket,sys,time\ns=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(4)\n"
                + "print('listening', flush=True)\nwhile True:\n    c,_=s.accept(); c.sendall(b'tokenpath-helper 1 pid=1 start_unix_ns=0\\n')\n";
        Process impostor = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", py, sock.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("listening", new BufferedReader(new InputStreamReader(impostor.getInputStream())).readLine());
            try (Jvm j = jvm("helper.mode=socket,helper.socket=" + sock)) {
                for (int i = 0; i < 50 && !j.logText().contains("refusing its data"); i++) Thread.sleep(100);
                assertTrue(j.logText().contains("runs as 'nobody', not as root or 0 (helper.user): refusing its data"), j.logText());
                assertEquals(0, PrometheusText.parse(j.metrics()).sum("tokenpath_helper_connected"));
            }
        } finally {
            impostor.destroyForcibly();
        }
    }

    @Test
    void aBadModeIsOneLineAndTheRestRuns() throws Exception {
        try (Jvm j = jvm("helper.mode=ebpf")) {
            String log = j.logText();
            assertTrue(log.contains("helper.mode: 'ebpf' is not one of auto, socket, spawn, off"), log);
            assertTrue(j.metrics().contains("tokenpath_helper_connected"), "the agent runs; its helper gauge says 0");
        }
    }

    @Test
    void watchPublishesTheHelperMetricsOfAnyProcess() throws Exception {
        // a non-JVM process doing something known: python opening a device path five times, then waiting
        Process target = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import sys, time", "print('ready', flush=True)", "sys.stdin.readline()",
                "for i in range(5):", "    try: open('/dev/nvidia-watch')", "    except OSError: pass",
                "print('done', flush=True)", "sys.stdin.readline()")).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream()));
        assertEquals("ready", out.readLine());
        int port = LateAttachIT.freePort();
        Path log = Files.createTempFile("tokenpath-watch", ".log");
        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin(), "-jar", AgentJarIT.agentJar().toString(), "watch",
                "--pid", Long.toString(target.pid()), "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--helper", HelperDaemon.BINARY.toString(), "--helper-args", "--interval-ms 200 --no-nvml", "--service", "vllm-like"));
        Process watch = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Jvm view = new Jvm(watch, port, log);
        try {
            until(view, p -> p.sum("tokenpath_helper_connected") == 1, "watch connected");
            target.getOutputStream().write('\n');
            target.getOutputStream().flush();
            assertEquals("done", out.readLine());
            PrometheusText m = until(view, p -> p.sum("tokenpath_process_device_opens_total") == 5, "five opens seen through watch");
            assertEquals(5, m.sum("tokenpath_process_device_opens_total", l -> "nvidia-watch".equals(l.get("tokenpath_device"))));
            assertTrue(view.metrics().contains("service_name=\"vllm-like\""));
            target.getOutputStream().write('\n');
            target.getOutputStream().flush();
            assertTrue(watch.waitFor(20, TimeUnit.SECONDS), "watch ends when its process does");
            assertEquals(0, watch.exitValue(), Files.readString(log));
        } finally {
            target.destroyForcibly();
            watch.destroyForcibly();
        }
    }
}
