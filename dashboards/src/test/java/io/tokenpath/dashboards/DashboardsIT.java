package io.tokenpath.dashboards;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboards and rules against a real run: the real Prometheus scraping the real sample service with the
 * built agent jar under streamed load from four clients (then a deliberately slow phase: the 29M-parameter model,
 * one worker, eight concurrent long requests, so queueing pushes TTFT past 5 s), a model-load probe JVM,
 * tokenpath-helper where it can run, and vLLM and TGI fixture expositions. Every panel query of every dashboard
 * must return data, every recording rule must evaluate to something, and HighTTFT must fire for the slow model
 * and only for it. With -Dtokenpath.render.dir=DIR the dashboards are also rendered to PNG from this run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardsIT {
    private LiveStack stack;
    private List<Dashboards.Dashboard> dashboards;
    private double slowPhaseEnd;
    private Set<Needs> available;

    @BeforeAll
    void run() throws Exception {
        dashboards = Dashboards.load();
        stack = LiveStack.start();
        available = EnumSet.of(Needs.CAPTURE, Needs.MODEL_LOAD);
        if (stack.helper != null) {
            available.add(Needs.HELPER);
            available.add(Needs.GPU_DEVICE_OPEN); // the probe opens /dev/nvidiactl, whatever the outcome
            if (stack.helper.gpu) available.add(Needs.GPU);
        }
        System.out.println("[dashboards-it] helper: " + (stack.helper != null ? "running" + (stack.helper.gpu ? " with GPU data" : " without GPU data")
                : "not run: " + stack.helperUnavailable));
        boolean pictures = renderDir() != null;
        if (pictures) {
            // For the pictures only: a longer, changing load first (more clients, a chat burst, longer answers),
            // so that 1-minute windows show the run's shape rather than one ramp.
            stack.load("--model", "tiny", "--num-prompts", "30", "--rate", "1.5", "--seed", "1", "--prompt-len", "32",
                    "--max-tokens", "24", "--clients", "alice,bob");
            stack.load("--model", "tiny", "--endpoint", "chat", "--num-prompts", "45", "--rate", "3", "--seed", "2",
                    "--prompt-len", "64", "--prompt-len-range", "0.5", "--max-tokens", "16", "--clients", "alice,bob,carol,erin");
            stack.load("--model", "tiny", "--num-prompts", "24", "--concurrency", "3", "--seed", "4", "--prompt-len", "96",
                    "--max-tokens", "64", "--clients", "carol");
        }
        // The JVM's first requests are slow (JIT, first forward passes): two on the small model, which the slow
        // phase below is about anyway, so that a cold start is not what the tiny model's p99 measures.
        stack.load("--model", "small", "--num-prompts", "2", "--concurrency", "1", "--prompt-len", "16",
                "--max-tokens", "4", "--clients", "warmup");
        // Normal traffic: tiny model, Poisson arrivals from three clients, prompts of varied length, at most two in
        // flight: one runs, one waits, so TTFT stays within two service times however busy the two shared cores
        // are (unbounded Poisson bursts on a contended machine queued tiny requests for up to 5 s). 100 requests:
        // one stray slow request stays out of their p99.
        stack.load("--model", "tiny", "--num-prompts", "100", "--rate", "4", "--concurrency", "2", "--seed", "3",
                "--prompt-len", "48", "--prompt-len-range", "0.5", "--max-tokens", "16", "--clients", "alice,bob,carol");
        // Slow generation: the small model, eight long requests at once on one worker.
        stack.load("--model", "small", "--num-prompts", "10", "--concurrency", "8", "--prompt-len", "192",
                "--max-tokens", "40", "--clients", "dave");
        slowPhaseEnd = LiveStack.now();
        if (pictures) {
            // Recovery: normal traffic again after the slow burst.
            stack.load("--model", "tiny", "--num-prompts", "40", "--rate", "2", "--seed", "5", "--prompt-len", "48",
                    "--max-tokens", "24", "--clients", "alice,bob,carol");
        }
        // A few scrapes and rule evaluations after the last request.
        Thread.sleep(4000);
    }

    private static String renderDir() {
        String dir = System.getProperty("tokenpath.render.dir");
        return dir == null || dir.isBlank() ? null : dir;
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) stack.close();
    }

    private PanelQueries queries() {
        return new PanelQueries(stack.prometheus, stack.startedAt, LiveStack.now());
    }

    private static Map<String, String> vars(String job, String model, String client) {
        return Map.of("datasource", "prometheus", "job", job, "instance", ".*", "model", model, "client", client, "gpu", ".*");
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void everyTargetIsScrapedWithoutError() throws Exception {
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (Map<String, Object> t : stack.prometheus.list("/api/v1/targets", "activeTargets")) {
            n++;
            Map<String, String> labels = (Map<String, String>) (Map<?, ?>) t.get("labels");
            if (!"up".equals(t.get("health")) || !"".equals(t.get("lastError"))) {
                bad.add(labels + " " + t.get("health") + " " + t.get("lastError"));
            }
        }
        assertEquals(4, n, "service, probe, vLLM and TGI fixtures");
        assertEquals(List.of(), bad);
    }

    /** Each recording rule's own expression returns series (those that need the helper or a GPU only when they run). */
    @Test
    @Order(2)
    void everyRecordingRuleEvaluatesToSomething() throws Exception {
        List<String> empty = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        int checked = 0;
        for (Map<String, Object> r : stack.prometheus.rules()) {
            String query = (String) r.get("query");
            assertEquals("ok", r.get("health"), r.get("name") + " in " + r.get("file") + ": " + r.get("lastError"));
            if (!"recording".equals(r.get("type"))) continue;
            Set<Needs> needs = Needs.of(query);
            if (!available.containsAll(needs)) {
                unchecked.add(r.get("name") + " (needs " + needs + ")");
                continue;
            }
            checked++;
            if (stack.prometheus.query(query, LiveStack.now()).isEmpty()) empty.add(r.get("group") + ": " + r.get("name") + " = " + query);
        }
        System.out.println("[dashboards-it] recording rules evaluated: " + checked + ", not checkable here: " + unchecked);
        assertEquals(List.of(), empty);
        assertTrue(checked >= 80, "recording rules checked: " + checked);
    }

    private void assertPanelsHaveData(Set<Needs> category, int atLeast) throws Exception {
        int[] checked = {0};
        List<String> empty = queries().empty(dashboards, vars(LiveStack.JVM_JOB, ".*", ".*"),
                t -> Needs.of(t.expr()).equals(category), checked);
        System.out.println("[dashboards-it] " + category + ": " + checked[0] + " panel queries checked for job " + LiveStack.JVM_JOB);
        assertEquals(List.of(), empty, "panel queries without data");
        assertTrue(checked[0] >= atLeast, category + ": only " + checked[0] + " queries");
    }

    /** Token path: every query of every panel that needs nothing beyond the agent. */
    @Test
    @Order(3)
    void tokenPathPanelsHaveDataForTheJvmService() throws Exception {
        assertPanelsHaveData(Set.of(), 30);
    }

    @Test
    @Order(3)
    void capturePipelinePanelsHaveData() throws Exception {
        assertPanelsHaveData(Set.of(Needs.CAPTURE), 10);
    }

    @Test
    @Order(3)
    void modelLoadPanelsHaveData() throws Exception {
        assertPanelsHaveData(Set.of(Needs.MODEL_LOAD), 1);
    }

    @Test
    @Order(3)
    void kernelPanelsHaveData() throws Exception {
        assumeTrue(stack.helper != null, "kernel panels need tokenpath-helper: " + stack.helperUnavailable);
        assertPanelsHaveData(Set.of(Needs.HELPER), 20);
    }

    @Test
    @Order(3)
    void gpuPanelsHaveData() throws Exception {
        assumeTrue(stack.helper != null, "GPU panels need tokenpath-helper: " + stack.helperUnavailable);
        assumeTrue(stack.helper.gpu, "GPU panels need an NVIDIA GPU or the helper's fake libnvidia-ml.so.1 at " + Repo.fakeNvmlDir());
        assertPanelsHaveData(Set.of(Needs.HELPER, Needs.GPU), 16);
    }

    @Test
    @Order(3)
    void deviceOpenPanelHasData() throws Exception {
        assumeTrue(stack.helper != null, "device opens need tokenpath-helper: " + stack.helperUnavailable);
        assertPanelsHaveData(Set.of(Needs.HELPER, Needs.GPU_DEVICE_OPEN), 1);
    }

    /** The model and client variables filter: chosen values keep data, an unknown client leaves the panel empty. */
    @Test
    @Order(3)
    void tokenPathPanelsFollowTheModelAndClientVariables() throws Exception {
        PanelQueries q = queries();
        Dashboards.Dashboard tokenPath = dashboards.get(0);
        assertEquals("token-path.json", tokenPath.file());
        int[] checked = {0};
        List<String> empty = new ArrayList<>();
        empty.addAll(q.empty(List.of(tokenPath), vars(LiveStack.JVM_JOB, "tiny", "alice"), t -> Needs.of(t.expr()).isEmpty(), checked));
        empty.addAll(q.empty(List.of(tokenPath), vars(LiveStack.JVM_JOB, "small", "dave"), t -> Needs.of(t.expr()).isEmpty(), checked));
        assertEquals(List.of(), empty, "no data for a model/client pair that ran");
        int withClient = 0;
        for (Dashboards.Panel p : tokenPath.panels()) {
            for (Dashboards.Target t : p.targets()) {
                if (!t.expr().contains("$client")) continue;
                withClient++;
                assertTrue(q.run(t, vars(LiveStack.JVM_JOB, "tiny", "nobody")).stream().noneMatch(PrometheusServer.Series::hasFiniteValue),
                        p.name() + " shows data for a client that sent nothing");
            }
        }
        assertTrue(withClient >= 15, "queries filtered by client: " + withClient);
    }

    /** The same token-path panels show the vLLM and TGI servers: every query whose recorded series they feed. */
    @Test
    @Order(3)
    void theSamePanelsShowVllmAndTgi() throws Exception {
        RuleSources sources = new RuleSources(stack.prometheus.rules());
        for (String source : List.of(RuleSources.VLLM, RuleSources.TGI)) {
            int[] checked = {0};
            List<String> empty = queries().empty(dashboards, vars(source, ".*", ".*"), t -> sources.feeds(source, t.expr()), checked);
            System.out.println("[dashboards-it] " + source + ": " + checked[0] + " panel queries checked");
            assertEquals(List.of(), empty, source + " panel queries without data");
            assertTrue(checked[0] >= (source.equals(RuleSources.VLLM) ? 25 : 12), source + ": " + checked[0]);
        }
    }

    /** Through the real Prometheus and the rules, the percentiles are those of the fixtures' own histograms. */
    @Test
    @Order(3)
    void vllmAndTgiPercentilesAreThoseOfTheirExpositions() throws Exception {
        double now = LiveStack.now();
        record Case(String fixture, String histogram, String recorded, String job, double q) {
        }
        for (Case c : List.of(
                new Case("vllm-0.11.prom", "vllm:time_to_first_token_seconds", "tokenpath:ttft_seconds:p50_5m", "vllm", 0.5),
                new Case("vllm-0.11.prom", "vllm:inter_token_latency_seconds", "tokenpath:itl_seconds:p99_5m", "vllm", 0.99),
                new Case("tgi-3.x.prom", "tgi_request_duration", "tokenpath:request_duration_seconds:p90_5m", "tgi", 0.9),
                new Case("tgi-3.x.prom", "tgi_request_queue_duration", "tokenpath:queue_time_seconds:p50_5m", "tgi", 0.5))) {
            double expected = FixtureHistogram.read(Repo.FIXTURES.resolve(c.fixture()), c.histogram()).quantile(c.q());
            List<PrometheusServer.Series> r = stack.prometheus.query(c.recorded() + "{job=\"" + c.job() + "\"}", now);
            assertEquals(1, r.size(), c + " " + r);
            double got = r.get(0).points().get(0)[1];
            assertEquals(expected, got, Math.abs(expected) * 1e-6, c.toString());
            String model = r.get(0).labels().get("model");
            assertEquals(c.job().equals("tgi") ? LiveStack.TGI_MODEL : "meta-llama/Llama-3.1-8B-Instruct", model, c.toString());
        }
    }

    /** Each variable's label_values() query offers the values of this run. */
    @Test
    @Order(3)
    void variablesOfferTheRunsValues() throws Exception {
        Map<String, String> all = vars(".*", ".*", ".*");
        Map<String, Set<String>> expected = Map.of(
                "token-path.json/job", Set.of(LiveStack.JVM_JOB, "vllm", "tgi"),
                "token-path.json/model", Set.of("tiny", "small", "meta-llama/Llama-3.1-8B-Instruct", LiveStack.TGI_MODEL),
                "token-path.json/client", Set.of("alice", "bob", "carol", "dave", "warmup", "unknown"),
                "token-path.json/instance", Set.of(stack.serviceInstance),
                "capture.json/job", Set.of(LiveStack.JVM_JOB),
                "capture.json/instance", Set.of(stack.serviceInstance));
        int checked = 0;
        for (Dashboards.Dashboard d : dashboards) {
            for (Map.Entry<String, String> v : d.variables().entrySet()) {
                Set<String> want = expected.get(d.file() + "/" + v.getKey());
                if (want == null) continue;
                checked++;
                assertTrue(labelValues(v.getValue(), all).containsAll(want), d.file() + " $" + v.getKey() + " offers "
                        + labelValues(v.getValue(), all) + ", expected at least " + want);
            }
        }
        assertEquals(expected.size(), checked);
    }

    private Set<String> labelValues(String query, Map<String, String> vars) throws Exception {
        return queries().labelValues(query, vars);
    }

    /**
     * The slow phase fires HighTTFT (the committed rule: p99 > 5 s for 1 minute) for the small model, and not for
     * the tiny one, seen where Alertmanager would get it from: Prometheus' /api/v1/alerts.
     */
    @Test
    @Order(9)
    @SuppressWarnings("unchecked")
    void slowGenerationFiresHighTtft() throws Exception {
        Map<String, Object> rule = stack.prometheus.rules().stream().filter(r -> "HighTTFT".equals(r.get("name"))).findFirst().orElseThrow();
        assertEquals("tokenpath:ttft_seconds:p99_5m > 5", rule.get("query"));
        assertEquals(60, ((Number) rule.get("duration")).intValue());
        assertTrue(((String) rule.get("file")).startsWith(Repo.RULES.toString()), rule.get("file").toString());

        double deadline = slowPhaseEnd + 150;
        Map<String, String> firing = null;
        List<Map<String, Object>> alerts = List.of();
        while (firing == null && LiveStack.now() < deadline) {
            alerts = stack.prometheus.list("/api/v1/alerts", "alerts");
            for (Map<String, Object> a : alerts) {
                Map<String, String> labels = (Map<String, String>) (Map<?, ?>) a.get("labels");
                if ("HighTTFT".equals(labels.get("alertname")) && "firing".equals(a.get("state"))) firing = labels;
            }
            if (firing == null) Thread.sleep(1000);
        }
        assertNotNull(firing, "HighTTFT never fired; alerts: " + alerts + "\np99: "
                + stack.prometheus.query("tokenpath:ttft_seconds:p99_5m", LiveStack.now()));
        assertEquals("small", firing.get("model"));
        assertEquals(LiveStack.JVM_JOB, firing.get("job"));
        assertEquals("warning", firing.get("severity"));
        for (Map<String, Object> a : stack.prometheus.list("/api/v1/alerts", "alerts")) {
            Map<String, String> labels = (Map<String, String>) (Map<?, ?>) a.get("labels");
            if (labels.get("alertname").endsWith("TTFT")) {
                assertEquals("small", labels.get("model"), "only the slow model's TTFT alerts: " + labels);
            }
        }
        double p99Small = stack.prometheus.query("tokenpath:ttft_seconds:p99_5m{model=\"small\"}", LiveStack.now()).get(0).points().get(0)[1];
        double p99Tiny = stack.prometheus.query("tokenpath:ttft_seconds:p99_5m{model=\"tiny\"}", LiveStack.now()).get(0).points().get(0)[1];
        System.out.printf("[dashboards-it] HighTTFT firing for small: p99 TTFT small %.2f s, tiny %.3f s%n", p99Small, p99Tiny);
        assertTrue(p99Small > 5 && p99Tiny < 5, p99Small + " / " + p99Tiny);
    }

    /** Pictures of the dashboards from this run (docs/img), when asked for with -Dtokenpath.render.dir. */
    @Test
    @Order(10)
    void renderDashboards() throws Exception {
        String dir = renderDir();
        assumeTrue(dir != null, "rendering only with -Dtokenpath.render.dir (scripts/render-dashboards.sh)");
        Path out = Path.of(dir);
        String helper = stack.helper == null ? "helper not running (" + stack.helperUnavailable + ")"
                : "tokenpath-helper (eBPF)" + (HelperDaemon.realGpu() ? " + NVML" : stack.helper.gpu
                ? " + the helper's NVML test stand-in (constant GPU values, no GPU here)" : ", no GPU");
        Files.createDirectories(out);
        DashboardRenderer r = new DashboardRenderer(queries());
        for (Dashboards.Dashboard d : dashboards) {
            Path png = out.resolve(d.file().replace(".json", ".png"));
            r.render(d, vars(LiveStack.JVM_JOB, ".*", ".*"), "job=" + LiveStack.JVM_JOB + "   ·   " + helper, png);
            assertTrue(Files.size(png) > 20_000, png + " is " + Files.size(png) + " bytes");
        }
        Path all = out.resolve("token-path-all-jobs.png");
        r.render(dashboards.get(0), vars(".*", ".*", ".*"), "job=All (JVM service, vLLM and TGI fixtures)", all);
        assertTrue(Files.size(all) > 20_000);
    }
}
