package io.tokenpath.dashboards;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves fixture expositions (a vLLM or TGI /metrics in that server's own format) as a server under steady load
 * would: on the k-th scrape every counter and histogram sample is (1 + k/300) times its value in the file, gauges
 * as they are. Scraped every second, the file's totals then recur every 5 minutes (1200 vLLM requests: 4 per
 * second), rates are constant, and every histogram's distribution is the file's, so what Prometheus and the rules
 * compute can be compared with the file itself. The text is otherwise served byte for byte (HELP/TYPE
 * lines, label order, bucket bounds).
 */
final class FixtureReplay implements AutoCloseable {
    /** Scrapes over which a file's totals recur. */
    static final double PERIOD = 300;
    private final HttpServer server;

    FixtureReplay(Map<String, Path> fixtures) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (Map.Entry<String, Path> f : fixtures.entrySet()) {
            List<String> lines = Files.readAllLines(f.getValue());
            Map<String, String> types = types(lines);
            AtomicInteger scrapes = new AtomicInteger();
            server.createContext(f.getKey(), ex -> {
                byte[] body = render(lines, types, scrapes.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
        }
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** metric family name -> TYPE, from the "# TYPE" lines. */
    static Map<String, String> types(List<String> lines) {
        Map<String, String> t = new HashMap<>();
        for (String l : lines) {
            if (l.startsWith("# TYPE ")) {
                String[] p = l.split(" ");
                t.put(p[2], p[3]);
            }
        }
        return t;
    }

    /** The family a sample belongs to: its own name, or its name without _bucket/_sum/_count for a histogram. */
    static String family(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) return sample;
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if ("histogram".equals(types.get(base))) return base;
            }
        }
        return sample;
    }

    static String render(List<String> lines, Map<String, String> types, int k) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            if (l.isEmpty() || l.startsWith("#")) {
                sb.append(l).append('\n');
                continue;
            }
            int valueAt = l.lastIndexOf(' ');
            int nameEnd = l.indexOf('{');
            String name = l.substring(0, nameEnd >= 0 && nameEnd < valueAt ? nameEnd : valueAt);
            String type = types.get(family(name, types));
            if ("counter".equals(type) || "histogram".equals(type)) {
                double v = Double.parseDouble(l.substring(valueAt + 1)) * (1 + k / PERIOD);
                sb.append(l, 0, valueAt + 1).append(v).append('\n');
            } else {
                sb.append(l).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
