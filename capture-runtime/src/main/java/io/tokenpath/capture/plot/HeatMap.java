package io.tokenpath.capture.plot;

import java.util.List;
import java.util.Set;

/**
 * What a heat map shows: {@code values[row][column]} (NaN where there is no value), labels for rows and columns,
 * axis titles, the name of the value (for the colour bar) and the columns before which a separator line is drawn
 * (where a new request starts).
 */
public record HeatMap(String title, String xAxisTitle, String yAxisTitle, String valueName, List<String> rowLabels,
        List<String> columnLabels, double[][] values, Set<Integer> separatorsBefore) {

    public HeatMap {
        if (values.length != rowLabels.size()) {
            throw new IllegalArgumentException(values.length + " value rows for " + rowLabels.size() + " row labels");
        }
        for (double[] row : values) {
            if (row.length != columnLabels.size()) {
                throw new IllegalArgumentException(row.length + " values in a row for " + columnLabels.size() + " columns");
            }
        }
        rowLabels = List.copyOf(rowLabels);
        columnLabels = List.copyOf(columnLabels);
        separatorsBefore = Set.copyOf(separatorsBefore);
    }

    /** Smallest and largest finite value, or null when there is none. */
    public double[] finiteRange() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return lo > hi ? null : new double[] {lo, hi};
    }
}
