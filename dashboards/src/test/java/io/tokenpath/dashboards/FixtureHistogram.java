package io.tokenpath.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A histogram read straight from a fixture file, and its quantile computed as histogram_quantile() does. */
final class FixtureHistogram {
    final List<double[]> buckets = new ArrayList<>(); // [upper bound, cumulative count]

    static FixtureHistogram read(Path fixture, String name) throws Exception {
        FixtureHistogram h = new FixtureHistogram();
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "_bucket\\{.*le=\"([^\"]+)\".*\\} (\\S+)$");
        for (String line : Files.readAllLines(fixture)) {
            Matcher m = p.matcher(line);
            if (m.matches()) {
                double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
                h.buckets.add(new double[] {le, Double.parseDouble(m.group(2))});
            }
        }
        if (h.buckets.isEmpty()) throw new AssertionError("no " + name + " buckets in " + fixture);
        return h;
    }

    /** Linear interpolation inside the bucket holding rank q x total (the first bucket starts at 0). */
    double quantile(double q) {
        double total = buckets.get(buckets.size() - 1)[1];
        double rank = q * total;
        double lowerBound = 0, lowerCount = 0;
        for (double[] b : buckets) {
            if (b[1] >= rank) {
                if (Double.isInfinite(b[0])) return lowerBound;
                return lowerBound + (b[0] - lowerBound) * (rank - lowerCount) / (b[1] - lowerCount);
            }
            lowerBound = b[0];
            lowerCount = b[1];
        }
        throw new AssertionError("rank beyond the last bucket");
    }
}
