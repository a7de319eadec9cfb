package io.tokenpath.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The built agent jar leaks nothing: the application's class loaders can see only the entry package (top level)
 * and the bridge (nested bootstrap jar); every other class is under inst/ as .classdata. And an application that
 * brings its own OpenTelemetry keeps using its own.
 */
class AgentJarIT {
    static Path agentJar() {
        Path p = Path.of(System.getProperty("tokenpath.agent.jar", "target/tokenpath-agent.jar"));
        assertTrue(Files.isRegularFile(p), "agent jar not built: " + p);
        return p;
    }

    @Test
    void noThirdPartyOrImplementationClassIsVisible() throws Exception {
        List<String> leaks = new ArrayList<>();
        int isolated = 0;
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.startsWith("inst/")) {
                    if (n.endsWith(".class")) leaks.add(n + " (a loadable .class under inst/)");
                    if (n.endsWith(".classdata")) isolated++;
                } else if (n.endsWith(".class") && !n.startsWith("io/tokenpath/agent/entry/")) {
                    leaks.add(n);
                } else if (!n.endsWith(".class") && !n.endsWith("/") && !n.equals("META-INF/MANIFEST.MF")
                        && !n.equals("tokenpath-bootstrap.jar")) {
                    leaks.add(n + " (a top-level resource)");
                }
            }
            try (InputStream in = jar.getInputStream(jar.getEntry("tokenpath-bootstrap.jar"));
                 JarInputStream boot = new JarInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
                for (JarEntry e; (e = boot.getNextJarEntry()) != null; ) {
                    if (e.getName().endsWith(".class") && !e.getName().startsWith("io/tokenpath/agent/bootstrap/")) {
                        leaks.add("bootstrap jar: " + e.getName());
                    }
                }
            }
            // The isolated part really holds the dependencies (not an empty jar passing this test trivially).
            for (String dep : new String[] {"inst/net/bytebuddy/ByteBuddy.classdata",
                    "inst/io/opentelemetry/sdk/metrics/SdkMeterProvider.classdata",
                    "inst/net/jpountz/lz4/LZ4Factory.classdata", "inst/com/github/luben/zstd/Zstd.classdata",
                    "inst/io/tokenpath/capture/pipeline/ActivationCapture.classdata",
                    "inst/linux/amd64/libzstd-jni-1.5.7-28.so"}) {
                assertNotNull(jar.getEntry(dep), "missing " + dep);
            }
        }
        assertEquals(List.of(), leaks, "classes visible to the application");
        assertTrue(isolated > 1000, "isolated classes: " + isolated);
    }

    @Test
    void theApplicationsOwnOpenTelemetryIsNotReplaced() throws Exception {
        // An older OTel API on the app's class path: with the agent attached, the app still loads its own copy.
        Path api = Path.of(System.getProperty("user.home"), ".m2/repository/io/opentelemetry/opentelemetry-api/1.62.0/opentelemetry-api-1.62.0.jar");
        Path ctx = Path.of(System.getProperty("user.home"), ".m2/repository/io/opentelemetry/opentelemetry-context/1.62.0/opentelemetry-context-1.62.0.jar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(api) && Files.exists(ctx),
                "OTel API 1.62.0 not in the local repository");
        Path src = Files.createTempDirectory("tp-app");
        Files.writeString(src.resolve("App.java"), "public class App { public static void main(String[] a) throws Exception {"
                + " Class<?> c = Class.forName(\"io.opentelemetry.api.OpenTelemetry\");"
                + " System.out.println(c.getProtectionDomain().getCodeSource().getLocation()); } }");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-javaagent:" + agentJar() + "=metrics.port=0", "-cp",
                api + java.io.File.pathSeparator + ctx, src.resolve("App.java").toString())
                .redirectErrorStream(false).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes()).trim();
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.endsWith("opentelemetry-api-1.62.0.jar"), "app loaded OTel from " + out);
        assertTrue(err.contains("[tokenpath] agent"), "the agent did start: " + err);
    }
}
