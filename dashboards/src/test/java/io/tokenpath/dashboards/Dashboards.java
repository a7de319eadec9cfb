package io.tokenpath.dashboards;

import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The committed Grafana dashboards, read as Grafana reads them: panels, their queries, the template variables. */
final class Dashboards {
    static final List<String> FILES = List.of("token-path.json", "gpu.json", "kernel.json", "capture.json");

    record Target(String refId, String expr, String legend, String format, boolean instant) {
        boolean heatmapFormat() {
            return "heatmap".equals(format);
        }
    }

    record Panel(String dashboard, int id, String title, String type, Map<String, Object> json, List<Target> targets) {
        String name() {
            return dashboard + " #" + id + " \"" + title + "\"";
        }
    }

    record Dashboard(String file, Map<String, Object> json, List<Panel> panels, Map<String, String> variables) {
        String uid() {
            return (String) json.get("uid");
        }

        String title() {
            return (String) json.get("title");
        }
    }

    private Dashboards() {
    }

    static List<Dashboard> load() throws IOException {
        List<Dashboard> out = new ArrayList<>();
        for (String f : FILES) out.add(load(f));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Dashboard load(String file) throws IOException {
        Map<String, Object> json = Json.parseObject(Files.readString(Repo.DASHBOARDS.resolve(file)));
        List<Panel> panels = new ArrayList<>();
        for (Object o : (List<Object>) json.get("panels")) {
            Map<String, Object> p = (Map<String, Object>) o;
            List<Target> ts = new ArrayList<>();
            for (Object t : (List<Object>) p.getOrDefault("targets", List.of())) {
                Map<String, Object> tm = (Map<String, Object>) t;
                ts.add(new Target((String) tm.get("refId"), (String) tm.get("expr"), (String) tm.getOrDefault("legendFormat", ""),
                        (String) tm.get("format"), Boolean.TRUE.equals(tm.get("instant"))));
            }
            panels.add(new Panel(file, ((Number) p.get("id")).intValue(), (String) p.get("title"), (String) p.get("type"), p, ts));
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (Object o : (List<Object>) ((Map<String, Object>) json.get("templating")).get("list")) {
            Map<String, Object> v = (Map<String, Object>) o;
            vars.put((String) v.get("name"), "query".equals(v.get("type")) ? (String) v.get("query") : null);
        }
        return new Dashboard(file, json, panels, vars);
    }

    private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");

    /** Variable names a query uses ($name or ${name}), Grafana's own ($__range, ...) included. */
    static List<String> variablesIn(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = VAR.matcher(expr);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /**
     * The query Grafana would send: every $var replaced by its value (a regex; "All" is ".*"), Grafana's globals
     * by the values of this run (Grafana's $__rate_interval is at least 4 scrape intervals: 1m at the stack's 15 s).
     */
    static String substitute(String expr, Map<String, String> values) {
        Matcher m = VAR.matcher(expr);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalArgumentException("no value for $" + m.group(1) + " in " + expr);
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*\\}");
    private static final Pattern IDENT = Pattern.compile("(?<![$\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan", "Inf", "NaN");

    /**
     * Metric names a PromQL expression selects: identifiers that are not strings, function names, keywords,
     * label names of a grouping or matcher, durations or Grafana variables.
     */
    static List<String> metricsIn(String expr) {
        String e = STRING.matcher(expr).replaceAll("\"\"");
        e = GROUPING.matcher(e).replaceAll(" ");
        e = MATCHERS.matcher(e).replaceAll("{}");
        e = e.replaceAll("\\[[^\\]]*\\]", "[]");
        List<String> out = new ArrayList<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1))) out.add(m.group(1));
        }
        return out;
    }
}
