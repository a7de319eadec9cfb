package io.tokenpath.dashboards;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The dashboards as Grafana will load them: schema, layout, variables, and every series they name exists. */
class DashboardJsonTest {
    private static final Set<String> GRAFANA_GLOBALS = Set.of("__rate_interval", "__range", "__range_s", "__interval");

    @Test
    void dashboardsAreTemplatedGrafanaJson() throws Exception {
        Set<String> uids = new HashSet<>();
        for (Dashboards.Dashboard d : Dashboards.load()) {
            assertEquals(39, ((Number) d.json().get("schemaVersion")).intValue(), d.file());
            assertTrue(uids.add(d.uid()), "unique uid " + d.uid());
            assertTrue(d.variables().keySet().containsAll(List.of("datasource", "job", "instance")), d.file() + " " + d.variables());
            for (Map.Entry<String, String> v : d.variables().entrySet()) {
                if (v.getValue() != null) {
                    assertTrue(v.getValue().startsWith("label_values("), v.getKey() + ": " + v.getValue());
                }
            }
            if (d.file().equals("token-path.json")) {
                assertTrue(d.variables().keySet().containsAll(List.of("model", "client")), d.variables().toString());
            }
        }
    }

    /** Panels fill the 24-column grid without overlapping, each has a unique id and reads the chosen datasource. */
    @Test
    @SuppressWarnings("unchecked")
    void panelsAreLaidOutAndUseTheDatasourceVariable() throws Exception {
        for (Dashboards.Dashboard d : Dashboards.load()) {
            Set<Integer> ids = new HashSet<>();
            Set<String> cells = new HashSet<>();
            int panels = 0;
            for (Dashboards.Panel p : d.panels()) {
                assertTrue(ids.add(p.id()), "unique id " + p.name());
                Map<String, Object> g = (Map<String, Object>) p.json().get("gridPos");
                int x = num(g, "x"), y = num(g, "y"), w = num(g, "w"), h = num(g, "h");
                assertTrue(x >= 0 && w > 0 && x + w <= 24, p.name() + " " + g);
                for (int i = x; i < x + w; i++) {
                    for (int j = y; j < y + h; j++) assertTrue(cells.add(i + "," + j), "overlap at " + i + "," + j + ": " + p.name());
                }
                if (p.type().equals("row")) continue;
                panels++;
                assertEquals("${datasource}", ((Map<String, Object>) p.json().get("datasource")).get("uid"), p.name());
                assertFalse(p.targets().isEmpty(), p.name());
                Set<String> refs = new HashSet<>();
                for (Dashboards.Target t : p.targets()) assertTrue(refs.add(t.refId()), p.name());
                assertFalse(p.title().isBlank(), p.name());
            }
            assertTrue(panels >= 8, d.file() + " has " + panels + " panels");
        }
    }

    @Test
    void everyVariableAQueryUsesIsDefined() throws Exception {
        for (Dashboards.Dashboard d : Dashboards.load()) {
            for (Dashboards.Panel p : d.panels()) {
                for (Dashboards.Target t : p.targets()) {
                    for (String v : Dashboards.variablesIn(t.expr())) {
                        assertTrue(d.variables().containsKey(v) || GRAFANA_GLOBALS.contains(v), "$" + v + " in " + p.name());
                    }
                }
            }
        }
    }

    /**
     * Every tokenpath:* series a panel reads is recorded by a rule, and every raw series is one the agent or the
     * helper documents (docs/metrics.md, docs/helper.md: the names they export).
     */
    @Test
    void everySeriesAPanelNamesIsRecordedOrDocumented() throws Exception {
        Set<String> recorded = new TreeSet<>();
        Pattern record = Pattern.compile("^\\s*- record: (\\S+)$", Pattern.MULTILINE);
        try (Stream<Path> files = Files.list(Repo.RULES)) {
            for (Path f : files.toList()) {
                Matcher m = record.matcher(Files.readString(f));
                while (m.find()) recorded.add(m.group(1));
            }
        }
        String docs = Files.readString(Repo.ROOT.resolve("docs/metrics.md")) + Files.readString(Repo.ROOT.resolve("docs/helper.md"));
        Set<String> missing = new TreeSet<>();
        for (Dashboards.Dashboard d : Dashboards.load()) {
            for (Dashboards.Panel p : d.panels()) {
                for (Dashboards.Target t : p.targets()) {
                    for (String metric : Dashboards.metricsIn(t.expr())) {
                        if (metric.startsWith("tokenpath:")) {
                            if (!recorded.contains(metric)) missing.add(metric + " (no recording rule) in " + p.name());
                        } else {
                            String family = metric.replaceAll("_(bucket|sum|count)$", "");
                            if (!docs.contains("`" + family + "`") && !docs.contains("`" + metric + "`")) {
                                missing.add(metric + " (not in docs/metrics.md or docs/helper.md) in " + p.name());
                            }
                        }
                    }
                }
            }
        }
        assertEquals(Set.of(), missing);
    }

    /** The classification that decides which panels the live test can check needs the helper for kernel and GPU. */
    @Test
    void kernelAndGpuPanelsAreClassifiedAsNeedingTheHelper() throws Exception {
        for (Dashboards.Dashboard d : Dashboards.load()) {
            for (Dashboards.Panel p : d.panels()) {
                for (Dashboards.Target t : p.targets()) {
                    Set<Needs> needs = Needs.of(t.expr());
                    switch (d.file()) {
                        case "gpu.json" -> assertTrue(needs.contains(Needs.GPU), p.name() + " " + t.refId());
                        case "kernel.json" -> assertTrue(needs.contains(Needs.HELPER) || needs.contains(Needs.MODEL_LOAD), p.name());
                        case "capture.json" -> assertEquals(Set.of(Needs.CAPTURE), needs, p.name());
                        default -> assertEquals(Set.of(), needs, p.name());
                    }
                }
            }
        }
    }

    /**
     * A panel that sums buckets by le alone must be repeated per job: the agent's, vLLM's and TGI's bucket bounds
     * differ, and buckets of different bounds summed into one histogram give wrong counts.
     */
    @Test
    void bucketPanelsNeverMixJobs() throws Exception {
        int n = 0;
        for (Dashboards.Dashboard d : Dashboards.load()) {
            for (Dashboards.Panel p : d.panels()) {
                for (Dashboards.Target t : p.targets()) {
                    if (!t.expr().contains("sum by (le)") || !t.expr().contains("tokenpath:")) continue;
                    n++;
                    assertEquals("job", p.json().get("repeat"), p.name() + " sums buckets of every job together");
                }
            }
        }
        assertTrue(n >= 3, "bucket panels: " + n);
    }

    /** The metric-name reader the checks above and the live test rely on. */
    @Test
    void metricNamesAreReadFromPromql() {
        assertEquals(List.of("tokenpath:ttft_seconds_bucket:rate1m"), Dashboards.metricsIn(
                "histogram_quantile(0.99, sum by (job, model, le) (tokenpath:ttft_seconds_bucket:rate1m{job=~\"$job\",client=~\"$client\"}))"));
        assertEquals(List.of("vllm:inter_token_latency_seconds_bucket", "vllm:time_per_output_token_seconds_bucket"), Dashboards.metricsIn(
                "sum by (job, instance, model, client, le) (label_replace(rate(vllm:inter_token_latency_seconds_bucket[1m]), \"model\", \"$1\", \"model_name\", \"(.+)\"))"
                        + " or sum(rate(vllm:time_per_output_token_seconds_bucket[$__rate_interval]))"));
        assertEquals(List.of("hw_gpu_memory_utilization", "hw_gpu_utilization"),
                Dashboards.metricsIn("hw_gpu_memory_utilization / (hw_gpu_utilization > 0.3)"));
        assertEquals(List.of("tokenpath_capture_bytes_total"), Dashboards.metricsIn(
                "sum(increase(tokenpath_capture_bytes_total{job=~\"$job\"}[$__range])) * $__range_s"));
    }

    private static int num(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).intValue();
    }
}
