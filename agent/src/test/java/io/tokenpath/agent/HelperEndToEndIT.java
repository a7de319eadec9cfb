package io.tokenpath.agent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample DJL service with the built agent jar and the real helper daemon (fake NVML, two GPUs): /metrics of
 * that JVM shows kernel series for that JVM and GPU series under their documented names; another client of the
 * same daemon cannot see the JVM's data, nor the JVM the other's; the agent follows the daemon's restart.
 */
class HelperEndToEndIT {
    @TempDir
    static Path dir;
    static Path socket;
    static Path procsFile;
    static HelperDaemon daemon;
    static SampleService service;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(HelperDaemon.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
        socket = dir.resolve("helper.sock");
        procsFile = dir.resolve("gpu-processes");
        Files.writeString(procsFile, "");
        daemon = HelperDaemon.start(socket, Map.of("FAKE_NVML_GPUS", "2", "FAKE_NVML_PROCS_FILE", procsFile.toString()));
        service = SampleService.start("helper.mode=socket,helper.socket=" + socket, "--models", "tiny", "--workers", "1");
        // the JVM "uses" 2 GiB on GPU 1 (the fake library's process list), and another process 1 GiB there
        Files.writeString(procsFile, service.process.pid() + ":2147483648:1,4242:1073741824:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) service.close();
        if (daemon != null) daemon.close();
    }

    static PrometheusText until(Predicate<PrometheusText> ready, String what) throws Exception {
        PrometheusText m = null;
        for (int i = 0; i < 100; i++) {
            m = PrometheusText.parse(service.metrics());
            if (ready.test(m)) return m;
            Thread.sleep(100);
        }
        fail(what + "; last scrape:\n" + service.metrics() + "\nagent log:\n" + Files.readString(service.log) + "\nhelper log:\n" + daemon.logText());
        return m;
    }

    static boolean has(PrometheusText m, String family) {
        return m.samples.stream().anyMatch(s -> s.name().startsWith(family));
    }

    @Test
    void kernelAndGpuSeriesOfThisJvmAreOnItsEndpoint() throws Exception {
        until(p -> p.sum("tokenpath_helper_connected") == 1, "connected");
        // generations while the helper measures: the inference worker's time is this JVM's
        service.load("--model", "tiny", "--num-prompts", "4", "--prompt-len", "16", "--max-tokens", "16", "--concurrency", "2");
        PrometheusText m = until(p -> p.sum("tokenpath_process_oncpu_time_seconds_total",
                l -> "inference-worke".equals(l.get("tokenpath_thread_group"))) > 0.05
                && p.sum("tokenpath_gpu_process_memory_usage_bytes") > 0, "helper data on /metrics");
        assertTrue(Files.readString(service.log).contains("helper connected (socket " + socket + "): measuring pid " + service.process.pid()),
                Files.readString(service.log));
        // the JVM's own threads, grouped by name without the trailing digits ("inference-worker-0", truncated by
        // the kernel to 15 characters, is "inference-worke"; HTTP threads, HotSpot's threads...)
        Set<String> groups = new TreeSet<>();
        m.samples.stream().filter(s -> s.name().equals("tokenpath_process_oncpu_time_seconds_total"))
                .forEach(s -> groups.add(s.labels().get("tokenpath_thread_group")));
        assertTrue(groups.size() >= 3, "several thread groups: " + groups);
        assertTrue(groups.stream().noneMatch(g -> g.matches(".*\\d")), "no group ends in a digit: " + groups);
        assertTrue(m.sum("tokenpath_process_offcpu_time_seconds_total", l -> "sleeping".equals(l.get("tokenpath_offcpu_state"))) > 0);
        assertTrue(m.sum("tokenpath_process_context_switches_total") > 0);
        assertTrue(m.sum("tokenpath_process_syscalls_total", l -> "mmap".equals(l.get("tokenpath_syscall"))) > 0, "JVMs map memory");
        assertTrue(m.sum("tokenpath_process_page_faults_total", l -> "minor".equals(l.get("tokenpath_fault_type"))) > 1000);
        assertTrue(m.sum("tokenpath_process_runqueue_latency_seconds_count") > 0);
        assertTrue(m.types.get("tokenpath_process_runqueue_latency_seconds").equals("histogram"));
        // GPU series, from the fake library, under the documented names and labels
        Predicate<Map<String, String>> gpu1 = l -> "1".equals(l.get("tokenpath_gpu_index"))
                && "GPU-fa4e0000-0000-0000-0000-000000000001".equals(l.get("hw_id")) && "nvidia".equals(l.get("hw_vendor"));
        assertEquals(0.51, m.sum("hw_gpu_utilization", gpu1), 1e-12);
        assertEquals(0.31, m.sum("hw_gpu_memory_utilization", gpu1), 1e-12);
        assertEquals(80.0 * (1L << 30), m.sum("hw_gpu_memory_limit_bytes", gpu1));
        assertEquals(61, m.sum("tokenpath_gpu_temperature_celsius", gpu1));
        assertEquals(251, m.sum("tokenpath_gpu_power_usage_watts", gpu1));
        assertEquals(2147483648.0, m.sum("tokenpath_gpu_process_memory_usage_bytes", gpu1), "this JVM's GPU memory, not pid 4242's");
        assertTrue(m.samples.stream().filter(s -> s.name().startsWith("tokenpath_process_") || s.name().startsWith("hw_gpu_"))
                .allMatch(s -> "io.tokenpath.helper".equals(s.labels().get("otel_scope_name"))));
        assertEquals(1, m.sum("tokenpath_helper_running", l -> "ok".equals(l.get("tokenpath_helper_nvml"))));
    }

    @Test
    void anotherClientAndThisJvmSeeOnlyThemselves() throws Exception {
        until(p -> p.sum("tokenpath_helper_connected") == 1, "connected");
        String py = String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile('r'); f.readline()",
                "for i in range(4):",
                "    try: open('/dev/nvidia-e2e')",
                "    except OSError: pass",
                "z = 0; seen = []; cpu = set()",
                "for line in f:",
                "    if line.startswith('Z '):",
                "        z += 1",
                "        if z == 3: break",
                "    if line.startswith('C tokenpath.process.device_opens'): seen.append(line.strip())",
                "    if line.startswith('C tokenpath.process.oncpu.time'): cpu.add(line.split('\"')[1])",
                "print(seen[-1] if seen else 'none'); print(sorted(cpu))");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", py, socket.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertTrue(out.contains("tokenpath.device=\"nvidia-e2e\",tokenpath.result=\"error\"} 4"), "python counts its own opens: " + out);
        assertFalse(out.contains("C2 Compiler"), "python sees none of the JVM's threads: " + out);
        PrometheusText m = PrometheusText.parse(service.metrics());
        assertEquals(0, m.sum("tokenpath_process_device_opens_total", l -> "nvidia-e2e".equals(l.get("tokenpath_device"))),
                "the JVM's endpoint has none of python's opens");
    }

    /** docs/helper.md lists every helper series the endpoint serves, and every unconditional one is served. */
    @Test
    void helperDocumentationMatchesTheLiveEndpoint() throws Exception {
        PrometheusText m = until(p -> has(p, "tokenpath_process_runqueue_latency_seconds") && has(p, "hw_gpu_utilization"), "helper data");
        String doc = Files.readString(Path.of("..", "docs", "helper.md"));
        Set<String> documented = new TreeSet<>(), conditional = new TreeSet<>();
        Matcher r = Pattern.compile("^\\| `([a-z_:]+)`(?:, `([a-z_:]+)`)? \\|.*$", Pattern.MULTILINE).matcher(doc);
        while (r.find()) {
            for (int g = 1; g <= 2; g++) {
                if (r.group(g) == null) continue;
                documented.add(r.group(g));
                if (r.group().contains("(only ")) conditional.add(r.group(g));
            }
        }
        Set<String> live = new TreeSet<>();
        for (PrometheusText.Sample s : m.samples) {
            if ("io.tokenpath.helper".equals(s.labels().get("otel_scope_name"))) live.add(family(m, s.name()));
        }
        Set<String> undocumented = new TreeSet<>(live);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "served but not in docs/helper.md");
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(live);
        missing.removeAll(conditional);
        missing.removeIf(n -> n.startsWith("tokenpath_helper_connected") || n.startsWith("tokenpath_helper_batches") || n.startsWith("tokenpath_helper_protocol"));
        assertEquals(Set.of(), missing, "documented as always there but not served");
    }

    static String family(PrometheusText m, String sample) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (sample.endsWith(suffix) && "histogram".equals(m.types.get(sample.substring(0, sample.length() - suffix.length())))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return sample;
    }

    @Test
    void theAgentFollowsTheDaemonThroughARestart() throws Exception {
        until(p -> p.sum("tokenpath_helper_connected") == 1, "connected");
        daemon.close();
        PrometheusText m = until(p -> p.sum("tokenpath_helper_connected") == 0, "disconnected after the daemon stopped");
        assertFalse(has(m, "hw_gpu_utilization"), "no stale helper data once it is gone");
        daemon = HelperDaemon.start(socket, Map.of("FAKE_NVML_GPUS", "2", "FAKE_NVML_PROCS_FILE", procsFile.toString()));
        until(p -> p.sum("tokenpath_helper_connected") == 1 && has(p, "hw_gpu_utilization"), "reconnected to the restarted daemon");
    }
}
