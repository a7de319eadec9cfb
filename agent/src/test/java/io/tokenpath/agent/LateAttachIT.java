package io.tokenpath.agent;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@code java -jar tokenpath-agent.jar attach <pid>} loads the agent into a running JVM, which then serves /metrics. */
class LateAttachIT {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void attachToARunningJvm() throws Exception {
        Path src = Files.createTempDirectory("tp-late").resolve("Waiter.java");
        Files.writeString(src, "public class Waiter { public static void main(String[] a) throws Exception {"
                + " System.out.println(\"READY \" + ProcessHandle.current().pid()); System.out.flush();"
                + " System.in.read(); } }");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process target = new ProcessBuilder(javaBin, src.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream()));
            String ready = out.readLine();
            assertNotNull(ready);
            assertTrue(ready.startsWith("READY "), ready);
            String pid = ready.substring(6).trim();
            int port = freePort();
            Process attach = new ProcessBuilder(javaBin, "-jar", AgentJarIT.agentJar().toString(), "attach", pid,
                    "metrics.port=" + port + ",metrics.host=127.0.0.1,service.name=late-attached").redirectErrorStream(true).start();
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS));
            String attachOut = new String(attach.getInputStream().readAllBytes());
            assertEquals(0, attach.exitValue(), attachOut);
            assertTrue(attachOut.contains("loaded into JVM " + pid), attachOut);
            // The agent's start-up line comes after the JVM's CDS warning and possibly other log lines: read until it,
            // a bounded number of lines.
            StringBuilder log = new StringBuilder();
            for (int i = 0; i < 10 && !log.toString().contains("attached late"); i++) {
                String line = out.readLine();
                if (line == null) break;
                log.append(line).append('\n');
            }
            assertTrue(log.toString().contains("attached late"), log.toString());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("service_name=\"late-attached\""), "agent arguments reach the late-attached agent: " + r.body());
        } finally {
            target.destroyForcibly();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
