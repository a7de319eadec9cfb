package io.tokenpath.dashboards;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The compose stack without a Docker engine (none runs here): npm's dclint 3.x (pinned in compose/lint, installed
 * with `npm ci`) lints it against the Compose specification, and the pieces it wires are checked for what they
 * must agree on: the helper socket, the settings carried over from seed 000, the files the Dockerfiles copy.
 */
class ComposeTest {
    private static final Path LINT = Repo.COMPOSE.resolve("lint");
    private static final Path STACK = Repo.COMPOSE.resolve("docker-compose.yml");

    private static Path dclint() throws Exception {
        Path bin = LINT.resolve("node_modules/.bin/dclint");
        if (!Files.isExecutable(bin)) {
            // Reproducible: exactly the versions in package-lock.json.
            Command.run(LINT, 300, "npm", "ci", "--no-audit", "--no-fund").ok("npm ci in compose/lint");
        }
        return bin;
    }

    @Test
    void dclintFindsNoProblem() throws Exception {
        Command c = Command.run(LINT, 120, dclint().toString(), "--max-warnings", "0", STACK.toString(),
                Repo.COMPOSE.resolve("docker-compose.gpu.yml").toString());
        assertEquals(0, c.exitCode(), c.output());
    }

    /** The linter really checks: a key outside the Compose schema, and a port published on every interface. */
    @Test
    void dclintRejectsABrokenStack() throws Exception {
        Path dir = Files.createTempDirectory("compose-broken");
        Path unknownKey = dir.resolve("unknown-key.yml");
        Files.writeString(unknownKey, "name: broken\nservices:\n  web:\n    image: nginx:1.27\n    bogus_key: 1\n");
        Command c = Command.run(LINT, 120, dclint().toString(), unknownKey.toString());
        assertNotEquals(0, c.exitCode(), c.output());
        assertTrue(c.output().contains("invalid-schema") && c.output().contains("/services/web"), c.output());
        Path openPort = dir.resolve("open-port.yml");
        Files.writeString(openPort, "name: broken\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - '8080:80'\n");
        c = Command.run(LINT, 120, dclint().toString(), openPort.toString());
        assertNotEquals(0, c.exitCode(), c.output());
        assertTrue(c.output().contains("no-unbound-port-interfaces"), c.output());
    }

    /** Seed 000's configuration table, as variables of the stack. */
    @Test
    void seedSettingsAreEnvironmentVariables() throws Exception {
        String yml = Files.readString(STACK);
        for (String v : List.of("VLLM_ENDPOINT", "TGI_ENDPOINT", "PROMETHEUS_PORT", "GRAFANA_PORT", "SCRAPE_INTERVAL")) {
            assertTrue(yml.contains("${" + v + ":-"), v + " is not a setting of docker-compose.yml");
        }
        assertTrue(yml.contains("'127.0.0.1:${PROMETHEUS_PORT:-9090}:9090'"), "Prometheus on 9090 by default");
        assertTrue(yml.contains("'127.0.0.1:${GRAFANA_PORT:-3000}:3000'"), "Grafana on 3000 by default");
        assertTrue(yml.contains("SCRAPE_INTERVAL: ${SCRAPE_INTERVAL:-15s}"), "15 s scrape interval by default");
    }

    /** The service and the helper meet at one socket on one shared volume; the helper sees host pids. */
    @Test
    void serviceAndHelperShareTheSocket() throws Exception {
        String yml = Files.readString(STACK);
        String sample = service(yml, "sample"), helper = service(yml, "helper");
        assertTrue(sample.contains("TOKENPATH_HELPER_MODE: socket"), sample);
        assertTrue(sample.contains("TOKENPATH_HELPER_SOCKET: /run/tokenpath/helper.sock"), sample);
        assertTrue(helper.contains("command: [ \"--socket\", \"/run/tokenpath/helper.sock\" ]"), helper);
        for (String s : List.of(sample, helper)) assertTrue(s.contains("- tokenpath-run:/run/tokenpath"), s);
        assertTrue(helper.contains("privileged: true") && helper.contains("pid: host"), helper);
        assertTrue(sample.contains("TOKENPATH_METRICS_PORT: \"9464\""), sample);
        assertTrue(Files.readString(Repo.PROMETHEUS.resolve("prometheus.yml")).contains("targets: [\"sample:9464\"]"),
                "Prometheus scrapes the sample service's agent endpoint");
    }

    /** Every file a Dockerfile copies is one the Maven build makes, at the path the build makes it. */
    @Test
    void dockerfilesCopyBuildOutputs() throws Exception {
        Pattern copy = Pattern.compile("^COPY (.+) (\\S+)$", Pattern.MULTILINE);
        List<String> copied = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Repo.COMPOSE)) {
            for (Path dockerfile : dirs.map(d -> d.resolve("Dockerfile")).filter(Files::isRegularFile).toList()) {
                assertTrue(Files.readString(STACK).contains("dockerfile: compose/" + dockerfile.getParent().getFileName() + "/Dockerfile"),
                        dockerfile + " is not used by docker-compose.yml");
                Matcher m = copy.matcher(Files.readString(dockerfile));
                while (m.find()) {
                    for (String src : m.group(1).trim().split("\\s+")) copied.add(src);
                }
            }
        }
        assertEquals(List.of("ebpf-helper/target/tokenpath-helper", "agent/target/tokenpath-agent.jar",
                "samples/target/tokenpath-samples.jar"), copied.stream().sorted((a, b) -> a.startsWith("ebpf") ? -1 : b.startsWith("ebpf") ? 1 : a.compareTo(b)).toList());
        for (String src : copied) {
            Path p = Repo.ROOT.resolve(src);
            assertTrue(Files.isRegularFile(p), src + " is not built (mvn package makes it)");
        }
    }

    /** Grafana finds the datasource the dashboards use and the dashboards where the stack mounts them. */
    @Test
    void grafanaProvisioningMatchesTheMounts() throws Exception {
        String ds = Files.readString(Repo.COMPOSE.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertTrue(ds.contains("type: prometheus") && ds.contains("url: http://prometheus:9090") && ds.contains("isDefault: true"), ds);
        String provider = Files.readString(Repo.COMPOSE.resolve("grafana/provisioning/dashboards/tokenpath.yml"));
        assertTrue(provider.contains("path: /var/lib/grafana/dashboards/tokenpath"), provider);
        String grafana = service(Files.readString(STACK), "grafana");
        assertTrue(grafana.contains("- ../dashboards:/var/lib/grafana/dashboards/tokenpath:ro"), grafana);
        assertTrue(grafana.contains("- ./grafana/provisioning:/etc/grafana/provisioning:ro"), grafana);
        for (String f : Dashboards.FILES) assertTrue(Files.isRegularFile(Repo.DASHBOARDS.resolve(f)), f);
    }

    /** The Prometheus entrypoint turns the stack's settings into a configuration promtool accepts. */
    @Test
    void prometheusEntrypointAppliesTheSettings() throws Exception {
        Path run = Files.createTempDirectory("prom-entrypoint");
        Map<String, String> env = Map.of("CONFIG_IN", Repo.PROMETHEUS.resolve("prometheus.yml").toString(),
                "RULES_DIR", Repo.RULES.toString(), "RUN_DIR", run.toString(), "SCRAPE_INTERVAL", "5s",
                "VLLM_ENDPOINT", "http://vllm:8000", "TGI_ENDPOINT", "https://tgi.internal/gen/metrics",
                "TGI_MODEL", "mistralai/Mistral-7B-Instruct-v0.3");
        Command.run(Repo.PROMETHEUS, env, 30, List.of("sh", "entrypoint.sh", "--render-only")).ok("entrypoint.sh");
        String cfg = Files.readString(run.resolve("prometheus.yml"));
        assertTrue(cfg.contains("  scrape_interval: 5s") && cfg.contains("  evaluation_interval: 5s"), cfg);
        assertEquals("[{\"targets\": [\"vllm:8000\"], \"labels\": {\"__scheme__\": \"http\", \"__metrics_path__\": \"/metrics\"}}]\n",
                Files.readString(run.resolve("targets/vllm.json")));
        assertEquals("[{\"targets\": [\"tgi.internal:443\"], \"labels\": {\"__scheme__\": \"https\", \"__metrics_path__\": \"/gen/metrics\", "
                + "\"model\": \"mistralai/Mistral-7B-Instruct-v0.3\"}}]\n", Files.readString(run.resolve("targets/tgi.json")));
        Command c = Command.run(run, 60, "promtool", "check", "config", "prometheus.yml").ok("promtool check config (rendered)");
        assertTrue(c.output().contains("SUCCESS: 5 rule files found"), c.output());

        // Unset endpoints scrape nothing; a malformed interval stops the container with one clear line.
        Path run2 = Files.createTempDirectory("prom-entrypoint");
        Command.run(Repo.PROMETHEUS, Map.of("CONFIG_IN", Repo.PROMETHEUS.resolve("prometheus.yml").toString(), "RUN_DIR", run2.toString()),
                30, List.of("sh", "entrypoint.sh", "--render-only")).ok("entrypoint.sh (defaults)");
        assertEquals("[]\n", Files.readString(run2.resolve("targets/vllm.json")));
        assertTrue(Files.readString(run2.resolve("prometheus.yml")).contains("  scrape_interval: 15s"));
        Command bad = Command.run(Repo.PROMETHEUS, Map.of("RUN_DIR", run2.toString(), "SCRAPE_INTERVAL", "fast"), 30,
                List.of("sh", "entrypoint.sh", "--render-only"));
        assertEquals(64, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("SCRAPE_INTERVAL='fast'"), bad.output());
    }

    /** The block of one service in docker-compose.yml (services are two-space indented keys). */
    private static String service(String yml, String name) {
        int start = yml.indexOf("\n  " + name + ":\n");
        assertTrue(start >= 0, "no service " + name);
        Matcher next = Pattern.compile("\n(  [a-z]|[a-z])").matcher(yml);
        int end = next.find(start + name.length() + 4) ? next.start() : yml.length();
        return yml.substring(start, end);
    }
}
