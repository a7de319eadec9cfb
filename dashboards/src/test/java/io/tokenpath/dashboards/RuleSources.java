package io.tokenpath.dashboards;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which servers feed each recorded series, read from the loaded rules themselves: a rule reading vllm:* series
 * is fed by vLLM, tgi_* by TGI, anything else raw by the JVM agent (or its helper); a rule over recorded series
 * inherits their sources. So "the same panel shows vLLM" is decided by the rule files, not by a list in the test.
 */
final class RuleSources {
    static final String JVM = "jvm", VLLM = "vllm", TGI = "tgi";
    private final Map<String, Set<String>> sources = new HashMap<>();

    RuleSources(List<Map<String, Object>> rules) {
        // Two passes: derived rules may come before the rules they read.
        for (int pass = 0; pass < 3; pass++) {
            for (Map<String, Object> r : rules) {
                if (!"recording".equals(r.get("type"))) continue;
                Set<String> s = sources.computeIfAbsent((String) r.get("name"), k -> new HashSet<>());
                for (String m : Dashboards.metricsIn((String) r.get("query"))) s.addAll(of(m));
            }
        }
    }

    /** The sources behind one metric name (recorded or raw). */
    Set<String> of(String metric) {
        if (metric.startsWith("tokenpath:")) return sources.getOrDefault(metric, Set.of());
        if (metric.startsWith("vllm:")) return Set.of(VLLM);
        if (metric.startsWith("tgi_")) return Set.of(TGI);
        return Set.of(JVM);
    }

    /** A query shows source's data when every series it reads is a recorded one that source feeds. */
    boolean feeds(String source, String expr) {
        List<String> metrics = Dashboards.metricsIn(expr);
        return !metrics.isEmpty() && metrics.stream().allMatch(m -> m.startsWith("tokenpath:") && of(m).contains(source));
    }
}
