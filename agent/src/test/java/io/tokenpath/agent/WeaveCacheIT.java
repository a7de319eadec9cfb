package io.tokenpath.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The weave cache and the start-up gate, on a real JVM with the built agent: an application that generates as the
 * very first thing it does (its DJL classes load while the agent is still starting) has that first request counted;
 * a second start with the same cache defines the stored classes without loading Byte Buddy at all; a damaged or
 * unsafe cache costs only the cache.
 */
class WeaveCacheIT {
    private static final String APP = String.join("\n",
            "import io.tokenpath.samples.model.*;",
            "public class StartApp { public static void main(String[] a) throws Exception {",
            "  io.tokenpath.samples.DjlDefaults.apply();",
            "  LanguageModel model = LanguageModel.load(ModelConfig.TINY);",
            "  StringBuilder ids = new StringBuilder();",
            "  try (ModelRunner runner = new ModelRunner(model)) {",
            "    runner.generate(\"the first request of this JVM\", 6, SearchMode.GREEDY, (id, i) -> ids.append(id).append(' '));",
            "  }",
            "  System.out.println(\"TOKENS \" + ids.toString().trim());",
            "  String m = new String(new java.net.URL(\"http://127.0.0.1:\" + a[0] + \"/metrics\").openStream().readAllBytes());",
            "  m.lines().filter(l -> l.startsWith(\"gen_ai_server_time_to_first_token_seconds_count\")",
            "      || l.startsWith(\"tokenpath_tokens_total\")).forEach(l -> System.out.println(\"METRIC \" + l));",
            "}}");

    @TempDir
    Path tmp;

    /** One start: everything it printed (with -Xlog:class+load, so the classes it loaded are in it). */
    private String start(Path appDir, Path cache) throws Exception {
        int port = LateAttachIT.freePort();
        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin(), "-Xlog:class+load=info:stdout",
                "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath() + "=metrics.host=127.0.0.1,metrics.port=" + port
                        + ",weave.cache=" + cache));
        cmd.addAll(SampleService.DJL_FLAGS);
        cmd.addAll(List.of("-cp", appDir + ":" + SampleService.SAMPLES_JAR.toAbsolutePath(), "StartApp", String.valueOf(port)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "StartApp did not end");
        assertEquals(0, p.exitValue(), out.lines().filter(l -> !l.contains("[class,load]")).reduce("", (x, y) -> x + y + "\n"));
        return out;
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n"
                        + out.lines().filter(l -> !l.contains("[class,load]")).reduce("", (x, y) -> x + y + "\n")));
    }

    private static long byteBuddyClasses(String out) {
        return out.lines().filter(l -> l.contains("[class,load]") && l.contains(" net.bytebuddy.")).count();
    }

    /** The first request is counted in full: one TTFT, and its 6 output tokens. */
    private static void assertFirstRequestCounted(String out) {
        assertTrue(line(out, "METRIC gen_ai_server_time_to_first_token_seconds_count").endsWith(" 1"), out.lines()
                .filter(l -> l.startsWith("METRIC")).toList().toString());
        assertTrue(out.lines().anyMatch(l -> l.startsWith("METRIC tokenpath_tokens_total")
                && l.contains("gen_ai_token_type=\"output\"") && l.endsWith(" 6.0")),
                out.lines().filter(l -> l.startsWith("METRIC")).toList().toString());
    }

    private static List<Path> entries(Path cache) throws Exception {
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private Path compiledApp() throws Exception {
        Path appDir = Files.createDirectory(tmp.resolve("app"));
        Path src = appDir.resolve("StartApp.java");
        Files.writeString(src, APP);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp",
                SampleService.SAMPLES_JAR.toAbsolutePath().toString(), "-d", appDir.toString(), src.toString()));
        return appDir;
    }

    @Test
    void aWarmStartWeavesFromTheCacheWithoutByteBuddy() throws Exception {
        Path appDir = compiledApp();
        Path cache = tmp.resolve("cache");

        String cold = start(appDir, cache);
        assertFirstRequestCounted(cold);
        assertTrue(byteBuddyClasses(cold) > 100, "the first start weaves with Byte Buddy");
        List<Path> stored = entries(cache);
        assertFalse(stored.isEmpty(), "the woven classes were stored");

        String warm = start(appDir, cache);
        assertFirstRequestCounted(warm);
        assertEquals(0, byteBuddyClasses(warm), "a warm start loads no Byte Buddy class");
        assertEquals(line(cold, "TOKENS"), line(warm, "TOKENS"), "the same generation");
        assertEquals(stored, entries(cache), "nothing new to store");

        // Every entry damaged: each is a miss, woven again with Byte Buddy, and the app sees no difference.
        for (Path e : stored) Files.write(e, new byte[] {'T', 'P', 'W', '1', 0, 0, 0, 0, 1, 2, 3});
        String repaired = start(appDir, cache);
        assertFirstRequestCounted(repaired);
        assertTrue(byteBuddyClasses(repaired) > 100);
        assertEquals(line(cold, "TOKENS"), line(repaired, "TOKENS"));
        assertEquals(0, byteBuddyClasses(start(appDir, cache)), "the damaged entries were stored again, whole");

        // A cache others could write to is not used (its bytes would run in this JVM): one line, and the app runs.
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        String unsafe = start(appDir, cache);
        assertTrue(unsafe.contains("weave.cache: cannot use " + cache) && unsafe.contains("writable by others"), "names the problem");
        assertFirstRequestCounted(unsafe);
        assertTrue(byteBuddyClasses(unsafe) > 100, "woven without the cache");
    }

    /** The cache filled ahead of time (a container image's build): the very first start is a warm one. */
    @Test
    void aCacheFilledAheadOfTimeMakesTheFirstStartWarm() throws Exception {
        Path appDir = compiledApp();
        Path cache = tmp.resolve("baked");
        List<String> cmd = List.of(SampleService.javaBin(), "-jar", AgentJarIT.agentJar().toAbsolutePath().toString(),
                "weave-cache", "--classpath", appDir + ":" + SampleService.SAMPLES_JAR.toAbsolutePath(),
                "--agent-args", "weave.cache=" + cache);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("0 already there"), out);

        String first = start(appDir, cache);
        assertFirstRequestCounted(first);
        assertEquals(0, byteBuddyClasses(first), "every class the start weaves was stored ahead of time");
    }
}
