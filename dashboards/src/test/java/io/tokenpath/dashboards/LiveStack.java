package io.tokenpath.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Everything the live test runs, started the way the compose stack starts it but as plain processes on loopback:
 * the sample DJL/PyTorch service with the built agent jar (capturing activations), a second agent JVM that loads
 * a model through Model.load, tokenpath-helper where it can run, vLLM and TGI fixture expositions, and the real
 * Prometheus scraping all of them every second with the committed rule files loaded.
 */
final class LiveStack implements AutoCloseable {
    static final String JVM_JOB = "tokenpath-jvm";
    static final String TGI_MODEL = "mistralai/Mistral-7B-Instruct-v0.3";

    final FixtureReplay fixtures;
    final HelperDaemon helper;
    final String helperUnavailable;
    final JvmProcess service;
    final int servicePort;
    final String serviceInstance;
    final JvmProcess probe;
    final PrometheusServer prometheus;
    final double startedAt;
    final Path captureFile;

    private LiveStack(FixtureReplay fixtures, HelperDaemon helper, String helperUnavailable, JvmProcess service,
                      int servicePort, String serviceInstance, JvmProcess probe, PrometheusServer prometheus,
                      double startedAt, Path captureFile) {
        this.fixtures = fixtures;
        this.helper = helper;
        this.helperUnavailable = helperUnavailable;
        this.service = service;
        this.servicePort = servicePort;
        this.serviceInstance = serviceInstance;
        this.probe = probe;
        this.prometheus = prometheus;
        this.startedAt = startedAt;
        this.captureFile = captureFile;
    }

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    static LiveStack start() throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return start(started);
        } catch (Exception | AssertionError e) {
            // Whatever started before the failure is stopped here, not left running.
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static LiveStack start(List<AutoCloseable> started) throws Exception {
        double t0 = now();
        FixtureReplay fixtures = new FixtureReplay(Map.of(
                "/vllm/metrics", Repo.FIXTURES.resolve("vllm-0.11.prom"),
                "/tgi/metrics", Repo.FIXTURES.resolve("tgi-3.x.prom")));
        started.add(fixtures);
        String unavailable = HelperDaemon.unavailableReason();
        HelperDaemon helper = unavailable == null ? HelperDaemon.start() : null;
        if (helper != null) started.add(helper);
        String helperArgs = helper == null ? "" : "," + helper.agentArgs();

        int serviceMetrics = PrometheusServer.freePort();
        int probeMetrics = PrometheusServer.freePort();
        Path prometheusConfig = writeConfig(serviceMetrics, probeMetrics, fixtures.port());
        // Prometheus first: its target discovery takes ~5 s, which the JVMs' start-up then covers.
        PrometheusServer prometheus = PrometheusServer.start(prometheusConfig);
        started.add(prometheus);

        Path captureDir = Files.createTempDirectory("tokenpath-capture");
        Path capture = captureDir.resolve("run.stream");
        // One worker: requests queue behind each other, which is what makes TTFT grow in the slow phase.
        // Capture 1 request in 3, its first 4 steps: the capture panels get real traffic without the writer
        // dominating two shared cores. A checkpoint every 16 token frames fsyncs the stream from the service's
        // writer thread: block I/O the process itself issues (the process block I/O panel).
        JvmProcess service = JvmProcess.start("metrics.host=127.0.0.1,metrics.port=" + serviceMetrics
                        + ",capture.output=" + capture + ",capture.sample_requests=3,capture.steps=first:4,capture.checkpoint_tokens=16" + helperArgs,
                List.of("-jar", Repo.samplesJar().toString(), "server", "--port", "0", "--models", "tiny,small",
                        "--workers", "1", "--queue", "64"), "LISTENING ");
        started.add(service);
        int port = Integer.parseInt(service.marker.substring("LISTENING ".length()).trim());
        if (helper != null) helper.gpuProcess(service.pid(), 1_610_612_736L);

        Path probeSource = Files.createTempDirectory("tokenpath-probe").resolve("ModelLoadProbe.java");
        try (var in = LiveStack.class.getResourceAsStream("/probe/ModelLoadProbe.java")) {
            Files.write(probeSource, in.readAllBytes());
        }
        JvmProcess probe = JvmProcess.start("metrics.host=127.0.0.1,metrics.port=" + probeMetrics + helperArgs,
                List.of("-cp", Repo.samplesJar().toString(), probeSource.toString()), "READY");
        started.add(probe);
        return new LiveStack(fixtures, helper, unavailable, service, port, "127.0.0.1:" + serviceMetrics, probe,
                prometheus, t0, capture);
    }

    private static Path writeConfig(int serviceMetrics, int probeMetrics, int fixturePort) throws Exception {
        String yml = String.join("\n",
                "# Written by LiveStack: the compose stack's jobs (compose/prometheus/prometheus.yml) on loopback,",
                "# scraped every second, with the committed rule files.",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - " + Repo.RULES + "/*.yml",
                "scrape_configs:",
                "  - job_name: " + JVM_JOB,
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + serviceMetrics + "', '127.0.0.1:" + probeMetrics + "']",
                "  - job_name: vllm",
                "    metrics_path: /vllm/metrics",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + fixturePort + "']",
                "  - job_name: tgi",
                "    metrics_path: /tgi/metrics",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + fixturePort + "']",
                "        labels: {model: '" + TGI_MODEL + "'}",
                "");
        Path p = Files.createTempFile("tokenpath-prometheus", ".yml");
        Files.writeString(p, yml);
        Command.run(p.getParent(), 60, "promtool", "check", "config", p.toString()).ok("promtool check config (live test)");
        return p;
    }

    /** The real load generator (a separate JVM, streaming, measuring from the client side) against the service. */
    String load(String... args) throws Exception {
        Path json = Files.createTempFile("tokenpath-load", ".json");
        List<String> cmd = new ArrayList<>(List.of(JvmProcess.javaBin(), "-jar", Repo.samplesJar().toString(), "load",
                "--url", "http://127.0.0.1:" + servicePort, "--json", json.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "load generator timed out");
        assertEquals(0, p.exitValue(), "load generator failed:\n" + out);
        return out;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : new AutoCloseable[] {probe, service, helper, prometheus, fixtures}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
