package io.tokenpath.agent.impl;

import io.tokenpath.agent.impl.helper.HelperClient;
import io.tokenpath.agent.impl.helper.HelperMetrics;
import io.tokenpath.agent.impl.helper.HelperStarter;
import io.tokenpath.agent.impl.metrics.MetricsExport;
import io.tokenpath.agent.impl.metrics.OtlpSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar tokenpath-agent.jar watch --pid N}: the helper's kernel and GPU metrics for any process (a
 * Python vLLM server, say) on this agent's Prometheus endpoint, with no agent inside that process. Runs the helper
 * itself (root), until the process exits or this one is stopped.
 */
final class WatchCommand {
    private WatchCommand() {}

    static int run(String[] args) throws InterruptedException {
        long pid = -1;
        int port = 9464;
        String host = "0.0.0.0", helperPath = "", service = null, helperArgs = "";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            try {
                switch (a) {
                    case "--pid": pid = Long.parseLong(v); i++; break;
                    case "--port": port = Integer.parseInt(v); i++; break;
                    case "--host": host = v; i++; break;
                    case "--helper": helperPath = v; i++; break;
                    case "--service": service = v; i++; break;
                    case "--helper-args": helperArgs = v; i++; break;
                    default:
                        System.err.println("[tokenpath] watch: unknown option '" + a + "'");
                        return 64;
                }
            } catch (RuntimeException e) {
                System.err.println("[tokenpath] watch: " + a + " needs a " + (a.equals("--pid") || a.equals("--port") ? "number" : "value")
                        + (v == null ? "" : ", not '" + v + "'"));
                return 64;
            }
        }
        if (pid <= 0) {
            System.err.println("[tokenpath] watch: --pid N is required (the process to measure)");
            return 64;
        }
        Optional<ProcessHandle> target = ProcessHandle.of(pid);
        if (target.isEmpty()) {
            System.err.println("[tokenpath] watch: no process " + pid);
            return 66;
        }
        Path bin = HelperStarter.resolveBinary(helperPath);
        if (bin == null) {
            System.err.println("[tokenpath] watch: no tokenpath-helper " + (helperPath.isEmpty() ? "next to the agent jar or on PATH" : "at " + helperPath)
                    + " (--helper PATH)");
            return 69;
        }
        AgentLog log = new AgentLog(null);
        HelperMetrics metrics = new HelperMetrics();
        MetricsExport export;
        OtlpSettings otlp;
        try {
            otlp = OtlpSettings.resolve(Map.of(), System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("[tokenpath] watch: " + e.getMessage());
            return 64;
        }
        try {
            export = new MetricsExport(host, port, false, MetricsExport.resource(service != null ? service : "watch-" + comm(pid),
                    System.getenv()), List.of(metrics), otlp);
        } catch (RuntimeException e) {
            System.err.println("[tokenpath] watch: cannot serve Prometheus on " + host + ":" + port + " (" + e.getMessage() + ")");
            return 73;
        }
        metrics.bind(export.provider().get("io.tokenpath.helper"), export.provider().get("io.tokenpath.agent"));
        HelperClient client = HelperClient.spawn(HelperStarter.command(bin, pid, helperArgs), metrics, log).start();
        log.info("watching pid " + pid + " (" + comm(pid) + ") with " + bin + "; metrics on http://" + host + ":" + port + "/metrics");
        Thread hook = new Thread(() -> {
            client.close();
            export.close();
        }, "tokenpath-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        target.get().onExit().join();
        log.info("pid " + pid + " exited; watch ends");
        return 0;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (java.io.IOException e) {
            return "pid" + pid;
        }
    }
}
