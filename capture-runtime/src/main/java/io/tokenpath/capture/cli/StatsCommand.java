package io.tokenpath.capture.cli;

import io.tokenpath.capture.analysis.ActivationAnalysis;
import io.tokenpath.capture.analysis.ActivationStats;
import io.tokenpath.capture.analysis.LayerSummary;
import io.tokenpath.capture.analysis.TokenKey;
import io.tokenpath.capture.analysis.TokenSummary;
import io.tokenpath.capture.read.TensorSelector;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code stats FILE [--layer REGEX] [--request N] [--steps A..B] [--json]}: activation statistics per layer and
 * token, bytes and frames per token, and the compression ratio. Decodes every selected tensor.
 */
final class StatsCommand implements Command {
    @Override
    public String name() { return "stats"; }

    @Override
    public String synopsis() { return "FILE " + SelectorOptions.SYNOPSIS + " [--json]"; }

    @Override
    public String summary() {
        return "per layer x token: l2, mean, std, min, max, sparsity; bytes and frames per token; compression ratio";
    }

    @Override
    public Set<String> flags() { return Set.of("json"); }

    @Override
    public Set<String> valued() { return SelectorOptions.NAMES; }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws IOException, UsageException {
        TensorSelector sel = SelectorOptions.from(args);
        ActivationAnalysis a = SelectedAnalysis.run(name(), args, sel, err);
        if (a == null) return ExitCode.FAILED;
        long fileSize = a.end().fileSize();
        if (args.flag("json")) {
            out.print(Json.writePretty(toJson(args, a, fileSize)));
        } else {
            printText(args, a, fileSize, out);
        }
        return ExitCode.OK;
    }

    private static void printText(CliArgs args, ActivationAnalysis a, long fileSize, PrintStream out) {
        Map<TokenKey, String> text = tokenTexts(a);
        out.println("stats " + args.file() + ": " + Fmt.count(a.tensorFrames()) + " tensor frames in "
                + a.layers().size() + " layers, " + a.tokens().size() + " token positions (" + a.selector() + ")");
        out.println();
        out.println("per layer and token");
        TextTable cells = statsColumns(new TextTable().left("layer").right("request").right("step").left("token"));
        for (LayerSummary l : a.layers()) {
            a.row(l.name()).forEach((k, s) -> cells.row(statsCells(s, l.name(), k.requestId(), k.step(),
                    Fmt.token(text.get(k)))));
        }
        cells.print(out, "  ");
        out.println();
        out.println("per layer (all its tokens)");
        TextTable layers = statsColumns(new TextTable().left("layer").right("frames"))
                .right("file bytes").right("source bytes").right("ratio").right("max abs error");
        for (LayerSummary l : a.layers()) {
            List<Object> row = new ArrayList<>(List.of(statsCells(l.stats(), l.name(), Fmt.count(l.frames()))));
            row.addAll(List.of(Fmt.count(l.fileBytes()), Fmt.count(l.sourceBytes()), Fmt.ratio(l.compressionRatio()),
                    Fmt.num(l.maxAbsError())));
            layers.row(row.toArray());
        }
        layers.print(out, "  ");
        out.println();
        out.println("per token (tensor frames attributed to the request and step they carry)");
        TextTable tokens = new TextTable().right("request").right("step").right("token id").left("token")
                .right("frames").right("file bytes").right("source bytes");
        for (TokenSummary t : a.tokens()) {
            tokens.row(t.key().requestId(), t.key().step(), t.token() == null ? "-" : t.token().tokenId(),
                    Fmt.token(t.text()), Fmt.count(t.tensorFrames()), Fmt.count(t.fileBytes()), Fmt.count(t.sourceBytes()));
        }
        tokens.print(out, "  ");
        out.println();
        // The whole-file ratio (metadata and token frames included) only means something for the whole stream.
        String whole = a.selector().selectsAll() ? ", ratio " + Fmt.ratio((double) a.sourceBytes() / fileSize) : "";
        out.println("total     " + Fmt.count(a.sourceBytes()) + " source bytes in " + Fmt.count(a.tensorFileBytes())
                + " bytes of tensor frames: compression ratio " + Fmt.ratio(a.compressionRatio()) + " (stream file "
                + Fmt.count(fileSize) + " bytes" + whole + ")");
    }

    private static TextTable statsColumns(TextTable t) {
        return t.right("count").right("l2").right("mean").right("std").right("min").right("max").right("sparsity");
    }

    private static Object[] statsCells(ActivationStats s, Object... lead) {
        Object[] row = new Object[lead.length + 7];
        System.arraycopy(lead, 0, row, 0, lead.length);
        int i = lead.length;
        row[i++] = Fmt.count(s.count());
        row[i++] = Fmt.num(s.l2());
        row[i++] = Fmt.num(s.mean());
        row[i++] = Fmt.num(s.std());
        row[i++] = Fmt.num(s.min());
        row[i++] = Fmt.num(s.max());
        row[i] = Fmt.num(s.sparsity());
        return row;
    }

    private static Map<TokenKey, String> tokenTexts(ActivationAnalysis a) {
        Map<TokenKey, String> m = new HashMap<>();
        for (TokenSummary t : a.tokens()) m.put(t.key(), t.text());
        return m;
    }

    private static Map<String, Object> toJson(CliArgs args, ActivationAnalysis a, long fileSize) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", args.file().toString());
        doc.put("selection", a.selector().toString());
        doc.put("end", a.end().toString());
        List<Object> layers = new ArrayList<>();
        for (LayerSummary l : a.layers()) {
            List<Object> cells = new ArrayList<>();
            a.row(l.name()).forEach((k, s) -> {
                Map<String, Object> c = Json.map("request_id", k.requestId(), "step", (long) k.step());
                c.putAll(statsJson(s));
                cells.add(c);
            });
            Map<String, Object> m = Json.map("name", l.name(), "frames", l.frames(), "file_bytes", l.fileBytes(),
                    "source_bytes", l.sourceBytes(), "compression_ratio", l.compressionRatio(),
                    "max_abs_error", l.maxAbsError(), "stats", statsJson(l.stats()), "tokens", cells);
            layers.add(m);
        }
        doc.put("layers", layers);
        List<Object> tokens = new ArrayList<>();
        for (TokenSummary t : a.tokens()) {
            tokens.add(Json.map("request_id", t.key().requestId(), "step", (long) t.key().step(),
                    "token_id", t.token() == null ? null : (long) t.token().tokenId(), "text", t.text(),
                    "tensor_frames", t.tensorFrames(), "file_bytes", t.fileBytes(), "source_bytes", t.sourceBytes()));
        }
        doc.put("tokens", tokens);
        doc.put("totals", Json.map("tensor_frames", a.tensorFrames(), "tensor_file_bytes", a.tensorFileBytes(),
                "source_bytes", a.sourceBytes(), "compression_ratio", a.compressionRatio(), "stream_file_bytes", fileSize));
        return doc;
    }

    private static Map<String, Object> statsJson(ActivationStats s) {
        return Json.map("count", s.count(), "l2", s.l2(), "mean", s.mean(), "std", s.std(), "min", s.min(),
                "max", s.max(), "sparsity", s.sparsity(), "zeros", s.zeros(), "non_finite", s.nonFinite());
    }
}
