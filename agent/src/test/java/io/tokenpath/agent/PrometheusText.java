package io.tokenpath.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A small parser of the Prometheus text exposition format, enough for the tests' assertions. */
final class PrometheusText {
    record Sample(String name, Map<String, String> labels, double value) {}

    final List<Sample> samples = new ArrayList<>();
    final Map<String, String> types = new LinkedHashMap<>();

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                p.types.put(parts[0], parts[1]);
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) continue;
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 ? line.substring(0, brace) : line.substring(0, line.indexOf(' '));
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                int i = 0;
                while (i < body.length()) {
                    int eq = body.indexOf('=', i);
                    String k = body.substring(i, eq);
                    int start = eq + 2;
                    StringBuilder v = new StringBuilder();
                    int j = start;
                    while (body.charAt(j) != '"') {
                        if (body.charAt(j) == '\\') j++;
                        v.append(body.charAt(j++));
                    }
                    labels.put(k, v.toString());
                    i = j + 1;
                    if (i < body.length() && body.charAt(i) == ',') i++;
                }
            }
            p.samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return p;
    }

    double sum(String name, Predicate<Map<String, String>> where) {
        return samples.stream().filter(s -> s.name().equals(name) && where.test(s.labels())).mapToDouble(Sample::value).sum();
    }

    double sum(String name) {
        return sum(name, l -> true);
    }

    /** Cumulative bucket counts of a histogram (summed over all other labels), by upper bound. */
    Map<Double, Double> buckets(String histogram) {
        Map<Double, Double> b = new java.util.TreeMap<>();
        for (Sample s : samples) {
            if (!s.name().equals(histogram + "_bucket")) continue;
            String le = s.labels().get("le");
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            b.merge(bound, s.value(), Double::sum);
        }
        return b;
    }

    /** The [lower, upper] bucket bounds that hold quantile q of a histogram. */
    double[] quantileBounds(String histogram, double q) {
        Map<Double, Double> b = buckets(histogram);
        double total = b.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        double prev = 0;
        for (Map.Entry<Double, Double> e : b.entrySet()) {
            if (e.getValue() >= q * total) return new double[] {prev, e.getKey()};
            prev = e.getKey();
        }
        return new double[] {prev, Double.POSITIVE_INFINITY};
    }

    /** Metric family names as exposed (histogram series folded to their family). */
    java.util.Set<String> families() {
        java.util.Set<String> f = new java.util.TreeSet<>();
        for (Sample s : samples) {
            String n = s.name();
            for (String suffix : new String[] {"_bucket", "_count", "_sum", "_created"}) {
                if (n.endsWith(suffix) && types.containsKey(n.substring(0, n.length() - suffix.length()))) {
                    n = n.substring(0, n.length() - suffix.length());
                }
            }
            f.add(n);
        }
        return f;
    }
}
