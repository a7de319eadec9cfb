package io.tokenpath.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs panel queries against the live Prometheus as Grafana would for a time range and a choice of variables:
 * range queries for time series, heat maps and stats, instant queries for the instant targets (the distribution
 * bars), and says which returned nothing with a finite value.
 */
final class PanelQueries {
    private final PrometheusServer prometheus;
    final double start;
    final double end;

    PanelQueries(PrometheusServer prometheus, double start, double end) {
        this.prometheus = prometheus;
        this.start = start;
        this.end = end;
    }

    /** Grafana's globals for this range, plus the dashboard variables given. */
    Map<String, String> values(Map<String, String> variables) {
        Map<String, String> v = new LinkedHashMap<>(variables);
        long range = Math.max(60, Math.round(end - start));
        v.put("__range", range + "s");
        v.put("__range_s", String.valueOf(range));
        v.put("__rate_interval", "1m");
        v.put("__interval", "2s");
        return v;
    }

    double step() {
        return Math.max(2, Math.round((end - start) / 240));
    }

    List<PrometheusServer.Series> run(Dashboards.Target t, Map<String, String> variables) throws Exception {
        String expr = Dashboards.substitute(t.expr(), values(variables));
        return t.instant() ? prometheus.query(expr, end) : prometheus.queryRange(expr, start, end, step());
    }

    /** label_values(metric{...}, label) the way Grafana's Prometheus datasource answers it. */
    java.util.Set<String> labelValues(String query, Map<String, String> variables) throws Exception {
        String inner = Dashboards.substitute(query, values(variables)).replaceFirst("^label_values\\((.*)\\)$", "$1");
        int comma = inner.lastIndexOf(',');
        String selector = inner.substring(0, comma).trim(), label = inner.substring(comma + 1).trim();
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (PrometheusServer.Series s : prometheus.query("group by (" + label + ") (" + selector + ")", end)) {
            out.add(s.labels().get(label));
        }
        return out;
    }

    /** A value as a regex that matches exactly it (Grafana escapes a chosen value the same way). */
    static String literal(String value) {
        return value.replaceAll("([.+*?()|\\[\\]{}^$\\\\])", "\\\\$1");
    }

    /** "dashboard #id "title" ref: query" for every target that matches and has no finite value. */
    List<String> empty(List<Dashboards.Dashboard> dashboards, Map<String, String> variables,
                       Predicate<Dashboards.Target> which, int[] checked) throws Exception {
        List<String> out = new ArrayList<>();
        for (Dashboards.Dashboard d : dashboards) {
            for (Dashboards.Panel p : d.panels()) {
                for (Dashboards.Target t : p.targets()) {
                    if (!which.test(t)) continue;
                    checked[0]++;
                    List<PrometheusServer.Series> r = run(t, variables);
                    if (r.stream().noneMatch(PrometheusServer.Series::hasFiniteValue)) {
                        out.add(p.name() + " " + t.refId() + ": " + Dashboards.substitute(t.expr(), values(variables)));
                    }
                }
            }
        }
        return out;
    }
}
