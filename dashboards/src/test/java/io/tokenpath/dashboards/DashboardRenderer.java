package io.tokenpath.dashboards;

import io.tokenpath.capture.util.Json;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pictures of a dashboard from live data: runs every panel's query against the run's Prometheus (as Grafana
 * would, variables substituted), writes one self-contained HTML page (the dashboard JSON, the results, and
 * render/dashboard-renderer.js inline: no network, no CDN) and has headless Chromium screenshot it.
 */
final class DashboardRenderer {
    /** Grafana's grid: 24 columns, 30 px per row unit, 8 px gaps; the page is this wide. */
    static final int WIDTH = 1600, ROW_PX = 30, GAP = 8, HEADER = 64;

    private final PanelQueries queries;

    DashboardRenderer(PanelQueries queries) {
        this.queries = queries;
    }

    /** The panel's JSON with the results of its queries for these variables attached under "results". */
    private Map<String, Object> panel(Dashboards.Panel p, Map<String, Object> json, Map<String, String> variables) throws Exception {
        List<Object> results = new ArrayList<>();
        for (Dashboards.Target t : p.targets()) {
            List<Object> series = new ArrayList<>();
            for (PrometheusServer.Series s : queries.run(t, variables)) {
                List<Object> pts = new ArrayList<>();
                for (double[] pt : s.points()) pts.add(List.of(pt[0], pt[1]));
                series.add(Map.of("labels", s.labels(), "points", pts));
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("refId", t.refId());
            r.put("legend", t.legend());
            r.put("format", t.format() == null ? "time_series" : t.format());
            r.put("instant", t.instant());
            r.put("series", series);
            results.add(r);
        }
        Map<String, Object> panel = new LinkedHashMap<>(json);
        panel.put("results", results);
        return panel;
    }

    @SuppressWarnings("unchecked")
    void render(Dashboards.Dashboard d, Map<String, String> variables, String subtitle, Path png) throws Exception {
        List<Object> panels = new ArrayList<>();
        int bottom = 0;
        for (Dashboards.Panel p : d.panels()) {
            Map<String, Object> g = (Map<String, Object>) p.json().get("gridPos");
            bottom = Math.max(bottom, ((Number) g.get("y")).intValue() + ((Number) g.get("h")).intValue());
            String repeat = (String) p.json().get("repeat");
            // Grafana repeats over the variable's selected values: those its current regex matches.
            List<String> values = repeat == null ? List.of() : queries.labelValues(d.variables().get(repeat), variables).stream()
                    .filter(v -> v.matches(variables.get(repeat))).toList();
            if (repeat == null || values.size() <= 1) {
                panels.add(panel(p, p.json(), variables));
                continue;
            }
            // Grafana's repeat: one copy per value of the variable, side by side in the panel's place.
            int x = ((Number) g.get("x")).intValue(), w = ((Number) g.get("w")).intValue();
            for (int i = 0; i < values.size(); i++) {
                Map<String, Object> copy = new LinkedHashMap<>(p.json());
                Map<String, Object> cg = new LinkedHashMap<>(g);
                cg.put("x", x + i * w / values.size());
                cg.put("w", (i + 1) * w / values.size() - i * w / values.size());
                copy.put("gridPos", cg);
                copy.put("title", p.title() + " · " + values.get(i));
                Map<String, String> v = new LinkedHashMap<>(variables);
                v.put(repeat, PanelQueries.literal(values.get(i)));
                panels.add(panel(p, copy, v));
            }
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("title", d.title());
        page.put("subtitle", subtitle);
        page.put("from", queries.start);
        page.put("to", queries.end);
        page.put("width", WIDTH);
        page.put("rowPx", ROW_PX);
        page.put("gap", GAP);
        page.put("header", HEADER);
        page.put("panels", panels);
        int height = HEADER + bottom * (ROW_PX + GAP) + GAP;

        String js;
        try (InputStream in = DashboardRenderer.class.getResourceAsStream("/render/dashboard-renderer.js")) {
            js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String data = Json.write(page).replace("</", "<\\/");
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><style>html,body{margin:0;background:#111217}</style>"
                + "</head><body><canvas id=\"c\"></canvas><script>const PAGE = " + data + ";</script><script>" + js
                + "</script></body></html>";
        Path dir = Files.createTempDirectory("tokenpath-render");
        Path htmlFile = dir.resolve(d.uid() + ".html");
        Files.writeString(htmlFile, html);
        Files.deleteIfExists(png);
        Command c = Command.run(dir, Map.of(), 120, List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"), "--window-size=" + WIDTH + "," + height,
                "--virtual-time-budget=10000", "--screenshot=" + png.toAbsolutePath(), htmlFile.toUri().toString()));
        if (!Files.isRegularFile(png)) throw new AssertionError("chromium wrote no " + png + ":\n" + c.output());
    }
}
