package io.tokenpath.dashboards;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real promtool and amtool (Debian's prometheus and prometheus-alertmanager, installed by
 * scripts/install-deps.sh) on the committed configuration: syntax, every rule file, and the rule unit tests in
 * compose/prometheus/tests (each alert fires when it should and stays quiet when it should; each source's native
 * series map onto the same token-path series).
 */
class PromtoolTest {

    @Test
    void prometheusConfigurationIsValid() throws Exception {
        Command c = Command.run(Repo.PROMETHEUS, 60, "promtool", "check", "config", "prometheus.yml").ok("promtool check config");
        // check config also loads every rule file it names: all five must be found.
        assertTrue(c.output().contains("SUCCESS: 5 rule files found"), c.output());
    }

    @Test
    void everyRuleFileIsValid() throws Exception {
        List<String> argv = new ArrayList<>(List.of("promtool", "check", "rules"));
        try (Stream<Path> files = Files.list(Repo.RULES)) {
            files.filter(f -> f.toString().endsWith(".yml")).sorted().forEach(f -> argv.add(f.toString()));
        }
        assertEquals(3 + 5, argv.size(), "five rule files: " + argv);
        Command c = Command.run(Repo.PROMETHEUS, java.util.Map.of(), 60, argv).ok("promtool check rules");
        assertFalse(c.output().contains("FAILED"), c.output());
    }

    @Test
    void alertRulesUnitTestsPass() throws Exception {
        Command c = Command.run(Repo.PROMETHEUS, 120, "promtool", "test", "rules", "tests/alerts_test.yml")
                .ok("promtool test rules tests/alerts_test.yml");
        assertTrue(c.output().contains("SUCCESS"), c.output());
    }

    @Test
    void sourceMappingUnitTestsPass() throws Exception {
        Command c = Command.run(Repo.PROMETHEUS, 120, "promtool", "test", "rules", "tests/mapping_test.yml")
                .ok("promtool test rules tests/mapping_test.yml");
        assertTrue(c.output().contains("SUCCESS"), c.output());
    }

    /** A broken expectation must make promtool fail: the unit tests above can fail. */
    @Test
    void promtoolReportsAWrongExpectation() throws Exception {
        Path dir = Files.createTempDirectory("promtool-neg");
        String test = Files.readString(Repo.PROMETHEUS.resolve("tests/alerts_test.yml"))
                .replace("../rules/", Repo.RULES + "/")
                .replace("is 7.475s over 5m (threshold 5s)", "is 1s over 5m (threshold 5s)");
        Files.writeString(dir.resolve("t.yml"), test);
        Command c = Command.run(dir, 120, "promtool", "test", "rules", "t.yml");
        assertNotEquals(0, c.exitCode(), c.output());
        assertTrue(c.output().contains("alertname: HighTTFT"), c.output());
    }

    @Test
    void alertmanagerConfigurationIsValid() throws Exception {
        Command.run(Repo.COMPOSE.resolve("alertmanager"), 60, "amtool", "check-config", "alertmanager.yml")
                .ok("amtool check-config");
    }

    /** The committed rules and dashboards are what their generators write (nobody edited the output by hand). */
    @Test
    void generatedFilesAreCurrent() throws Exception {
        Command.run(Repo.ROOT, 60, "/usr/bin/python3", "compose/prometheus/generate-rules.py", "--check")
                .ok("compose/prometheus/generate-rules.py --check");
        Command.run(Repo.ROOT, 60, "/usr/bin/python3", "dashboards/generate.py", "--check")
                .ok("dashboards/generate.py --check");
    }
}
