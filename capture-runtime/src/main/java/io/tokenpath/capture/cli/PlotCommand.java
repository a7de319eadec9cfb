package io.tokenpath.capture.cli;

import io.tokenpath.capture.analysis.ActivationAnalysis;
import io.tokenpath.capture.analysis.ActivationStats;
import io.tokenpath.capture.analysis.LayerSummary;
import io.tokenpath.capture.analysis.Statistic;
import io.tokenpath.capture.analysis.TokenSummary;
import io.tokenpath.capture.plot.HeatMap;
import io.tokenpath.capture.plot.HeatMapRenderer;
import io.tokenpath.capture.read.TensorSelector;
import io.tokenpath.capture.util.OutputFileException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code plot FILE --out PNG [--stat l2|mean|std|max|min|sparsity] [selection] [--width W] [--height H]}: a heat map
 * of one statistic, tokens along x and layers along y (in stream order, first layer on top).
 */
final class PlotCommand implements Command {
    @Override
    public String name() { return "plot"; }

    @Override
    public String synopsis() {
        return "FILE --out PNG [--stat l2|mean|std|max|min|sparsity] " + SelectorOptions.SYNOPSIS
                + " [--width W] [--height H]";
    }

    @Override
    public String summary() {
        return "PNG heat map of one statistic: token (x) by layer (y), with a colour scale";
    }

    @Override
    public Set<String> valued() {
        return SelectorOptions.plus("out", "stat", "width", "height");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws IOException, UsageException {
        Path png = Path.of(args.required("out", "PNG: the image file to write"));
        Statistic stat;
        try {
            stat = Statistic.parse(args.value("stat", "l2"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--stat: " + e.getMessage());
        }
        int width = args.intValue("width", 1200, HeatMapRenderer.MIN_WIDTH, 16384);
        int height = args.intValue("height", 800, HeatMapRenderer.MIN_HEIGHT, 16384);
        TensorSelector sel = SelectorOptions.from(args);
        ActivationAnalysis a = SelectedAnalysis.run(name(), args, sel, err);
        if (a == null) return ExitCode.FAILED;
        HeatMap map = heatMap(args, a, stat);
        BufferedImage img = HeatMapRenderer.render(map, width, height);
        write(img, png);
        out.println("plot -> " + png + ": " + stat.lowerName() + " of " + map.rowLabels().size() + " layers x "
                + map.columnLabels().size() + " tokens, " + width + "x" + height);
        return ExitCode.OK;
    }

    static HeatMap heatMap(CliArgs args, ActivationAnalysis a, Statistic stat) {
        List<TokenSummary> tokens = a.tokens();
        boolean oneRequest = tokens.stream().map(t -> t.key().requestId()).distinct().count() == 1;
        List<String> columns = new ArrayList<>();
        Set<Integer> separators = new HashSet<>();
        for (int c = 0; c < tokens.size(); c++) {
            TokenSummary t = tokens.get(c);
            if (c > 0 && t.key().requestId() != tokens.get(c - 1).key().requestId()) separators.add(c);
            String pos = oneRequest ? Integer.toString(t.key().step()) : "r" + t.key().requestId() + " s" + t.key().step();
            columns.add(t.text() == null ? pos : pos + " " + Fmt.token(t.text()));
        }
        List<String> rows = new ArrayList<>();
        double[][] values = new double[a.layers().size()][tokens.size()];
        for (int r = 0; r < a.layers().size(); r++) {
            LayerSummary l = a.layers().get(r);
            rows.add(l.name());
            for (int c = 0; c < tokens.size(); c++) {
                ActivationStats s = a.cell(l.name(), tokens.get(c).key());
                values[r][c] = s == null ? Double.NaN : stat.of(s);
            }
        }
        long request = oneRequest && !tokens.isEmpty() ? tokens.get(0).key().requestId() : Long.MIN_VALUE;
        String title = stat.description() + " of activations per layer and token: " + args.file().getFileName()
                + (request != Long.MIN_VALUE ? ", request " + request : "");
        String xTitle = oneRequest ? "token step" : "request and token step";
        // The colour bar has a narrow column for its label: the short name there, the description in the title.
        return new HeatMap(title, xTitle, "layer", stat.lowerName(), rows, columns, values, separators);
    }

    private static void write(BufferedImage img, Path png) throws IOException {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (!ImageIO.write(img, "png", png.toFile())) throw new IOException("no PNG writer in this Java runtime");
        } catch (IOException e) {
            throw new OutputFileException(png, e);
        }
    }
}
