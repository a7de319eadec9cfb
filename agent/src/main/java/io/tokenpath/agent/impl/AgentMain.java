package io.tokenpath.agent.impl;

import io.opentelemetry.api.metrics.Meter;
import io.tokenpath.agent.bootstrap.Bridge;
import io.tokenpath.agent.impl.config.AgentConfig;
import io.tokenpath.agent.impl.attribution.ClientAttribution;
import io.tokenpath.agent.impl.djl.RequestTracker;
import io.tokenpath.agent.impl.helper.HelperMetrics;
import io.tokenpath.agent.impl.helper.HelperStarter;
import io.tokenpath.agent.impl.instrument.Instrumenter;
import io.tokenpath.agent.impl.metrics.Buckets;
import io.tokenpath.agent.impl.metrics.ClientLabels;
import io.tokenpath.agent.impl.metrics.MetricsExport;
import io.tokenpath.agent.impl.metrics.OtlpSettings;
import io.tokenpath.agent.impl.metrics.TokenMetrics;
import io.tokenpath.agent.impl.tap.ActivationTap;
import io.tokenpath.agent.impl.tap.CaptureMetrics;
import io.tokenpath.agent.impl.tap.CaptureControlServer;
import io.tokenpath.agent.impl.tap.CaptureStarter;

import java.lang.instrument.Instrumentation;

/**
 * Starts the agent inside its isolated class loader: configuration, metrics export, hooks, weaving. Each part that
 * fails is reported in one line and left out; the rest starts, and the application always runs.
 */
public final class AgentMain {
    private AgentMain() {}

    private static volatile MetricsExport export;
    private static volatile ActivationTap tap;
    private static volatile io.tokenpath.agent.impl.helper.HelperClient helper;

    public static void start(Instrumentation inst, String args, boolean lateAttach) {
        long t0 = System.nanoTime();
        AgentConfig cfg = AgentConfig.load(args);
        AgentLog log = new AgentLog(cfg.get("log.file"));
        if (!cfg.flag("enabled")) {
            log.info("disabled by configuration (enabled=false)");
            return;
        }
        Instrumenter.Plan plan = new Instrumenter.Plan(cfg.flag("instrument.djl"), cfg.flag("instrument.http"),
                cfg.flag("instrument.executors"), cfg.flag("instrument.blocks"), checkedPointcut(cfg, "pointcut.request"),
                checkedPointcut(cfg, "pointcut.token"));
        // The OpenTelemetry SDK and the exporter start on a second thread while Byte Buddy weaves on this one: both
        // are mostly class loading, and the two cores of a small host do them side by side. premain still returns
        // only when both are done and the hooks are in place, so no application code runs before the agent is
        // complete (a late attach may miss a generation already running, as documented).
        java.util.concurrent.FutureTask<RequestTracker> telemetry =
                new java.util.concurrent.FutureTask<>(() -> setUpTelemetry(cfg, log));
        Thread init = new Thread(telemetry, "tokenpath-init");
        init.setDaemon(true);
        init.start();
        Instrumenter instrumenter = new Instrumenter();
        try {
            instrumenter.install(inst, plan, log);
        } catch (Throwable t) {
            log.info("instrumentation could not be installed (" + t + "); metrics endpoint stays up with no data");
        }
        long tWoven = System.nanoTime();
        RequestTracker tracker;
        try {
            tracker = telemetry.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("interrupted while starting; the agent is off");
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            log.info("metrics could not be set up (" + rootMessage(e) + "); the agent is off, the application runs on");
            return;
        }
        long tReady = System.nanoTime();
        Bridge.install(cfg.flag("debug.fail_hooks") ? new FailingHooks(tracker) : tracker);
        startCaptureFromConfig(cfg, tap);
        startCaptureControl(cfg, tap, log);
        for (AgentConfig.Problem p : cfg.problems()) log.info("config: " + p);
        Runtime.getRuntime().addShutdownHook(new Thread(AgentMain::stop, "tokenpath-shutdown"));
        MetricsExport ex = export;
        String host = cfg.get("metrics.host");
        log.info("agent " + version() + (lateAttach ? " attached late" : " started") + "; metrics: "
                + (ex.port() > 0 ? "http://" + host + ":" + ex.port() + "/metrics" : "not scraped")
                + (ex.otlp() == null ? "" : ", pushed over OTLP to " + ex.otlp().endpoint() + " every "
                        + ex.otlp().interval().toMillis() / 1000.0 + " s")
                + "; woven so far: " + instrumenter.transformed().size() + " classes; start-up "
                + ms(System.nanoTime() - t0) + " ms (weaving " + ms(tWoven - t0) + " alongside metrics "
                + telemetryMillis + ", then " + ms(System.nanoTime() - tReady) + " for hooks and capture)");
    }

    private static volatile long telemetryMillis;

    /** The SDK, its Prometheus endpoint, the instruments and the hooks' implementation (on the init thread). */
    private static RequestTracker setUpTelemetry(AgentConfig cfg, AgentLog log) {
        long t0 = System.nanoTime();
        String host = cfg.get("metrics.host");
        int port = cfg.integer("metrics.port", 0, 65535);
        MetricsExport ex;
        HelperMetrics helperMetrics = new HelperMetrics();
        boolean exponential = cfg.flag("histogram.exponential");
        io.opentelemetry.sdk.resources.Resource resource = MetricsExport.resource(cfg.get("service.name"), System.getenv());
        OtlpSettings otlp = otlpSettings(cfg);
        try {
            ex = new MetricsExport(host, port, exponential, resource, java.util.List.of(helperMetrics), otlp);
        } catch (RuntimeException e) {
            log.info("metrics.port: cannot serve Prometheus on " + host + ":" + port + " (" + rootMessage(e)
                    + "); metrics are recorded but not " + (otlp == null ? "exported" : "scraped (the OTLP push runs)"));
            ex = new MetricsExport(host, 0, exponential, resource, java.util.List.of(helperMetrics), otlp);
        }
        export = ex;
        Meter meter = ex.provider().get("io.tokenpath.agent");
        helperMetrics.bind(ex.provider().get("io.tokenpath.helper"), meter);
        startHelper(cfg, helperMetrics, log);
        TokenMetrics metrics = new TokenMetrics(meter, cfg.bounds("buckets.ttft", Buckets.TTFT),
                cfg.bounds("buckets.itl", Buckets.ITL), cfg.bounds("buckets.request", Buckets.REQUEST));
        ClientLabels clients = new ClientLabels(cfg.integer("client.max", 1, 10_000));
        ActivationTap t = new ActivationTap(log);
        AgentMain.tap = t;
        CaptureMetrics.register(meter, t);
        RequestTracker tracker = new RequestTracker(metrics,
                new ClientAttribution(cfg.get("client.header"), cfg.get("client.baggage"), clients),
                cfg.get("provider.name"), log, t);
        TokenMetrics.waitingGauge(meter, tracker::waiting);
        tracker.setApi(new ManualApi(tracker, t, clients, log));
        telemetryMillis = ms(System.nanoTime() - t0);
        return tracker;
    }

    /** The OTLP push from otlp.* keys or the standard OTEL_* variables; a bad value disables only the push. */
    private static OtlpSettings otlpSettings(AgentConfig cfg) {
        try {
            return OtlpSettings.resolve(cfg.explicit("otlp."), System.getenv());
        } catch (IllegalArgumentException e) {
            cfg.problems().add(new AgentConfig.Problem("otlp", e.getMessage() + "; the OTLP push is off"));
            return null;
        }
    }

    /** Kernel and GPU metrics: a bad helper.mode disables only them. */
    private static void startHelper(AgentConfig cfg, HelperMetrics metrics, AgentLog log) {
        String mode = cfg.typed("helper.mode", v -> {
            if (!HelperStarter.MODES.contains(v)) throw new IllegalArgumentException();
            return v;
        }, "one of " + String.join(", ", HelperStarter.MODES));
        helper = HelperStarter.start(mode, cfg.get("helper.socket"), cfg.get("helper.user"), cfg.get("helper.path"),
                cfg.get("helper.args"), ProcessHandle.current().pid(), metrics, log);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** With {@code capture.output} set, the capture runs from start-up; a bad capture key disables only the capture. */
    private static void startCaptureFromConfig(AgentConfig cfg, ActivationTap tap) {
        java.util.Map<String, String> keys = cfg.captureKeys();
        if (!keys.containsKey("output")) return;
        try {
            CaptureStarter.start(keys, tap, System.getProperty("sun.java.command", "").split(" ")[0]);
        } catch (IllegalArgumentException e) {
            cfg.problems().add(new AgentConfig.Problem("capture", "capture." + e.getMessage() + "; activation capture is off"));
        } catch (java.io.IOException | RuntimeException e) {
            cfg.problems().add(new AgentConfig.Problem("capture", "capture: cannot start (" + e.getMessage()
                    + "); activation capture is off"));
        }
    }

    private static volatile CaptureControlServer control;

    private static void startCaptureControl(AgentConfig cfg, ActivationTap tap, AgentLog log) {
        int port = cfg.integer("capture.control.port", 0, 65535);
        if (port == 0) return;
        String dir = cfg.get("capture.control.dir");
        java.nio.file.Path d = dir == null || dir.isBlank()
                ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "tokenpath-captures") : java.nio.file.Path.of(dir);
        try {
            control = new CaptureControlServer(cfg.get("capture.control.host"), port, d, tap, log);
        } catch (java.io.IOException | RuntimeException e) {
            cfg.problems().add(new AgentConfig.Problem("capture.control.port", "capture.control.port: cannot serve on "
                    + cfg.get("capture.control.host") + ":" + port + " (" + rootMessage(e) + "); the capture endpoint is off"));
        }
    }

    private static String checkedPointcut(AgentConfig cfg, String key) {
        String v = cfg.get(key);
        if (v == null || v.isBlank()) return null;
        try {
            Instrumenter.Pointcut.parse(v);
            return v;
        } catch (IllegalArgumentException e) {
            cfg.problems().add(new AgentConfig.Problem(key, key + ": " + e.getMessage() + "; this pointcut is disabled"));
            return null;
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.toString();
    }

    static void stop() {
        Bridge.install(null);
        io.tokenpath.agent.impl.helper.HelperClient h = helper;
        if (h != null) h.close();
        CaptureControlServer c = control;
        if (c != null) c.stop();
        ActivationTap t = tap;
        if (t != null) t.stop(); // drain, end the stream, write the sidecar: a clean close on JVM exit
        MetricsExport e = export;
        if (e != null) e.close();
    }

    static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@code java -jar tokenpath-agent.jar [version|keys]}. */
    public static void main(String[] args) throws InterruptedException {
        String cmd = args.length == 0 ? "help" : args[0];
        switch (cmd) {
            case "version":
                System.out.println("tokenpath-agent " + version());
                return;
            case "keys":
                AgentConfig.KEYS.forEach((k, v) -> System.out.printf("%-24s default %-12s %s%n", k, v[0].isEmpty() ? "-" : v[0], v[1]));
                return;
            case "watch":
                System.exit(WatchCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
                return;
            default:
                System.out.println("usage: java -javaagent:tokenpath-agent.jar[=key=value,...] -jar your-service.jar");
                System.out.println("       java -jar tokenpath-agent.jar version | keys");
                System.out.println("       java -jar tokenpath-agent.jar attach <pid> [key=value,...]");
                System.out.println("       java -jar tokenpath-agent.jar watch --pid N [--port 9464] [--host 0.0.0.0] [--helper PATH] [--service NAME] [--helper-args '...']");
                if (!cmd.equals("help")) System.exit(64);
        }
    }
}
