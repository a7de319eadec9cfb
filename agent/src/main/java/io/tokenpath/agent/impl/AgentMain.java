package io.tokenpath.agent.impl;

import io.opentelemetry.api.metrics.Meter;
import io.tokenpath.agent.bootstrap.Bridge;
import io.tokenpath.agent.impl.config.AgentConfig;
import io.tokenpath.agent.impl.attribution.ClientAttribution;
import io.tokenpath.agent.impl.djl.RequestTracker;
import io.tokenpath.agent.impl.helper.HelperMetrics;
import io.tokenpath.agent.impl.helper.HelperStarter;
import io.tokenpath.agent.impl.instrument.CachedWeaver;
import io.tokenpath.agent.impl.instrument.Instrumenter;
import io.tokenpath.agent.impl.instrument.WeaveCache;
import io.tokenpath.agent.impl.instrument.WeaveTargets;
import io.tokenpath.agent.impl.instrument.WeavingGate;
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
 * fails is reported in one line and left out; the rest starts, and the application always runs. premain returns
 * within tens of milliseconds; the rest starts beside the application (see {@link WeavingGate}).
 */
public final class AgentMain {
    private AgentMain() {}

    private static volatile MetricsExport export;
    private static volatile ActivationTap tap;
    private static volatile io.tokenpath.agent.impl.helper.HelperClient helper;

    /** How long a target class that loads during start-up waits for the agent before it loads unwoven. */
    private static final long WAIT_FOR_START_NANOS = 60_000_000_000L;

    /**
     * premain / agentmain: reads the configuration and puts the {@link WeavingGate} in place, then returns; the
     * rest of the start-up runs on the agent's own threads beside the application's. A DJL (or servlet, pointcut,
     * API) class that the application loads before the agent is ready waits for it, so nothing is missed.
     */
    public static void start(Instrumentation inst, String args, boolean lateAttach) {
        long t0 = System.nanoTime();
        AgentConfig cfg = AgentConfig.load(args);
        AgentLog log = new AgentLog(cfg.get("log.file"));
        if (!cfg.flag("enabled")) {
            log.info("disabled by configuration (enabled=false)");
            return;
        }
        Instrumenter.Plan plan = plan(cfg);
        WeavingGate gate = WeavingGate.install(inst, WeaveTargets.of(plan), log, WAIT_FOR_START_NANOS);
        long premainNanos = System.nanoTime() - t0;
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread init = new Thread(() -> {
            try {
                finishStart(inst, cfg, log, plan, gate, lateAttach, t0, premainNanos);
            } catch (Throwable t) {
                gate.fail();
                log.info("the agent could not start (" + rootMessage(t) + "); the application runs on without it");
            } finally {
                finished.countDown();
            }
        }, "tokenpath-init");
        init.setDaemon(true);
        init.start();
        // A short-lived application may end before the agent is ready: its exit waits (bounded) for the start-up,
        // so the configuration report and a capture's clean close are never lost.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                finished.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop();
        }, "tokenpath-shutdown"));
    }

    /**
     * On the init thread: Byte Buddy's weaving here, the OpenTelemetry SDK and its exporter on a second thread
     * (both mostly class loading, which two cores do side by side); then the hooks, the capture, and the gate opens.
     */
    private static void finishStart(Instrumentation inst, AgentConfig cfg, AgentLog log, Instrumenter.Plan plan,
            WeavingGate gate, boolean lateAttach, long t0, long premainNanos) throws Exception {
        WeavingGate.markAgentThread();
        java.util.concurrent.FutureTask<RequestTracker> telemetry = new java.util.concurrent.FutureTask<>(() -> {
            WeavingGate.markAgentThread();
            return setUpTelemetry(cfg, log);
        });
        Thread metricsInit = new Thread(telemetry, "tokenpath-init-metrics");
        metricsInit.setDaemon(true);
        metricsInit.start();
        // Instrumenter is only touched inside the lambda: loading it would load Byte Buddy's types with it.
        java.util.List<String> woven = new java.util.concurrent.CopyOnWriteArrayList<>();
        WeaveCache cache = openWeaveCache(cfg, plan);
        CachedWeaver weaver = new CachedWeaver(cache, () -> Instrumenter.build(plan, log, woven), woven, log);
        // Byte Buddy up front when the cache cannot spare it (no cache, or this build's first run); otherwise only
        // on the first class the cache lacks, and a start from a warm cache never loads it.
        boolean weaverUsable = cache != null && !cache.fresh() || weaver.buildNow();
        long tWoven = System.nanoTime();
        RequestTracker tracker;
        try {
            tracker = telemetry.get();
        } catch (java.util.concurrent.ExecutionException e) {
            gate.fail();
            log.info("metrics could not be set up (" + rootMessage(e) + "); the agent is off, the application runs on");
            return;
        }
        long tReady = System.nanoTime();
        Bridge.install(cfg.flag("debug.fail_hooks") ? new FailingHooks(tracker) : tracker);
        startCaptureFromConfig(cfg, tap);
        startCaptureControl(cfg, tap, log);
        int late = 0;
        if (weaverUsable) late = gate.open(weaver);
        else gate.fail();
        for (AgentConfig.Problem p : cfg.problems()) log.info("config: " + p);
        MetricsExport ex = export;
        String host = cfg.get("metrics.host");
        log.info("agent " + version() + (lateAttach ? " attached late" : " started") + "; metrics: "
                + (ex.port() > 0 ? "http://" + host + ":" + ex.port() + "/metrics" : "not scraped")
                + (ex.otlp() == null ? "" : ", pushed over OTLP to " + ex.otlp().endpoint() + " every "
                        + ex.otlp().interval().toMillis() / 1000.0 + " s")
                + "; woven so far: " + woven.size() + " classes (" + weaver.hits()
                + " from the weave cache, " + late + " loaded before the agent was ready); premain " + ms(premainNanos) + " ms, ready after "
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

    /** What to weave, from the instrument.* and pointcut.* keys. */
    static Instrumenter.Plan plan(AgentConfig cfg) {
        return new Instrumenter.Plan(cfg.flag("instrument.djl"), cfg.flag("instrument.http"),
                cfg.flag("instrument.executors"), cfg.flag("instrument.blocks"), checkedPointcut(cfg, "pointcut.request"),
                checkedPointcut(cfg, "pointcut.token"));
    }

    /** The weave cache from weave.cache (default under the user's home); null when off or unusable (one line). */
    static WeaveCache openWeaveCache(AgentConfig cfg, Instrumenter.Plan plan) {
        String setting = cfg.get("weave.cache");
        if ("off".equals(setting)) return null;
        java.nio.file.Path root;
        if (setting == null || setting.isBlank()) {
            java.nio.file.Path home = java.nio.file.Path.of(System.getProperty("user.home", ""));
            if (!home.isAbsolute() || !java.nio.file.Files.isDirectory(home)) {
                cfg.problems().add(new AgentConfig.Problem("weave.cache", "weave.cache: this user has no home directory ('"
                        + home + "'); set weave.cache to a directory, or to off. Every start weaves with Byte Buddy"));
                return null;
            }
            root = home.resolve(".cache").resolve("tokenpath").resolve("weave");
        } else {
            root = java.nio.file.Path.of(setting);
        }
        try {
            java.nio.file.Path jar = java.nio.file.Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return WeaveCache.open(root, WeaveCache.identity(jar, plan));
        } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
            cfg.problems().add(new AgentConfig.Problem("weave.cache", "weave.cache: cannot use " + root + " ("
                    + e.getMessage() + "); every start weaves with Byte Buddy"));
            return null;
        }
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
    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "help" : args[0];
        switch (cmd) {
            case "version":
                System.out.println("tokenpath-agent " + version());
                return;
            case "keys":
                AgentConfig.KEYS.forEach((k, v) -> System.out.printf("%-24s default %-12s %s%n", k, v[0].isEmpty() ? "-" : v[0], v[1]));
                return;
            case "weave-cache":
                System.exit(WeaveCacheCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
                return;
            case "watch":
                System.exit(WatchCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
                return;
            default:
                System.out.println("usage: java -javaagent:tokenpath-agent.jar[=key=value,...] -jar your-service.jar");
                System.out.println("       java -jar tokenpath-agent.jar version | keys");
                System.out.println("       java -jar tokenpath-agent.jar attach <pid> [key=value,...]");
                System.out.println("       java -jar tokenpath-agent.jar weave-cache --classpath CP [--agent-args 'key=value,...']");
                System.out.println("       java -jar tokenpath-agent.jar watch --pid N [--port 9464] [--host 0.0.0.0] [--helper PATH] [--service NAME] [--helper-args '...']");
                if (!cmd.equals("help")) System.exit(64);
        }
    }
}
