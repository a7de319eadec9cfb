package io.tokenpath.agent.impl.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

/** Precedence args > system property > environment > file > default; bad input named in one line, defaults kept. */
class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void precedenceIsArgsThenSystemPropertyThenEnvironmentThenFileThenDefault() throws Exception {
        Path file = dir.resolve("tp.properties");
        Files.writeString(file, "metrics.port=1111\nclient.header=X-File\nclient.max=7\nprovider.name=from-file\n");
        Properties sys = new Properties();
        sys.setProperty("tokenpath.metrics.port", "2222");
        sys.setProperty("tokenpath.client.header", "X-Sys");
        Map<String, String> env = Map.of("TOKENPATH_METRICS_PORT", "3333", "TOKENPATH_CLIENT_MAX", "9",
                "TOKENPATH_CONFIG", file.toString());
        AgentConfig c = AgentConfig.load("metrics.port=4444", sys, env);
        assertEquals("4444", c.get("metrics.port"));
        assertEquals("X-Sys", c.get("client.header"));
        assertEquals("9", c.get("client.max"));
        assertEquals("from-file", c.get("provider.name"));
        assertEquals("9464", AgentConfig.load("", new Properties(), Map.of()).get("metrics.port"));
        assertEquals(List.of(), c.problems());
    }

    @Test
    void unknownKeysAndBadValuesAreReportedAndDefaultsUsed() {
        AgentConfig c = AgentConfig.load("metrics.prot=1,metrics.port=abc,histogram.exponential=maybe,novalue,"
                + "buckets.itl=0.1;0.01", new Properties(), Map.of());
        assertEquals(9464, c.integer("metrics.port", 0, 65535));
        assertFalse(c.flag("histogram.exponential"));
        assertEquals(List.of(1.0), c.bounds("buckets.itl", List.of(1.0)));
        List<String> msgs = c.problems().stream().map(AgentConfig.Problem::toString).toList();
        assertTrue(msgs.stream().anyMatch(m -> m.startsWith("unknown key 'metrics.prot'") && m.contains("metrics.port")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.startsWith("metrics.port: 'abc' is not an integer in 0..65535")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.startsWith("histogram.exponential: 'maybe' is not true or false")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.contains("'novalue' is not key=value")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.startsWith("buckets.itl:") && m.contains("strictly increasing")), msgs.toString());
    }

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (Map.Entry<String, String[]> e : AgentConfig.KEYS.entrySet()) {
            String def = e.getValue()[0].isEmpty() ? "–" : "`" + e.getValue()[0] + "`";
            assertTrue(doc.contains("| `" + e.getKey() + "` | " + def + " |"), "docs/configuration.md lacks " + e.getKey() + " with default " + def);
        }
    }

    @Test
    void captureKeysPassThroughForCaptureRuntimeToValidate() {
        AgentConfig c = AgentConfig.load("capture.preset=max,capture.output=/tmp/x.stream", new Properties(), Map.of());
        assertEquals(Map.of("preset", "max", "output", "/tmp/x.stream"), c.captureKeys());
        assertEquals(List.of(), c.problems());
    }
}
