package io.tokenpath.capture.cli;

import io.tokenpath.capture.analysis.LayerInventory;
import io.tokenpath.capture.analysis.RequestSummary;
import io.tokenpath.capture.analysis.ResumePoint;
import io.tokenpath.capture.analysis.StreamCensus;
import io.tokenpath.capture.analysis.StreamInventory;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code inspect FILE [--frames]}: what a stream holds, from headers only (no payload is decoded, so it is fast on
 * any size): header metadata, frames by kind, layers, requests, drops, resume points and how the file ends.
 */
final class InspectCommand implements Command {
    @Override
    public String name() { return "inspect"; }

    @Override
    public String synopsis() { return "FILE [--frames]"; }

    @Override
    public String summary() {
        return "header metadata, frame counts, layers, requests, drops and end status; --frames lists every frame";
    }

    @Override
    public Set<String> flags() { return Set.of("frames"); }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws IOException {
        try (StreamReader r = StreamReader.open(args.file())) {
            StreamInventory inv = StreamInventory.scan(r);
            printSummary(args, inv, out);
            if (args.flag("frames")) {
                out.println();
                printFrames(r, out);
            }
        }
        return ExitCode.OK;
    }

    private static void printSummary(CliArgs args, StreamInventory inv, PrintStream out) {
        StreamCensus c = inv.census();
        out.println("file      " + args.file() + " (" + Fmt.count(inv.fileSize()) + " bytes)");
        out.println("end       " + endText(inv.end(), c));
        out.println("frames    " + Fmt.count(c.frames()) + ": " + c.countsByKind().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
        out.println("drops     " + (c.drops().isEmpty() ? "none recorded"
                : Fmt.count(c.totalDrops()) + " (" + Fmt.pairs(c.drops()) + ")"));
        if (c.resumes().isEmpty()) {
            out.println("resumed   never");
        } else {
            for (ResumePoint p : c.resumes()) {
                out.println("resumed   at offset " + p.resumedAt() + " (" + (p.fromCheckpoint() ? "checkpoint" : "valid prefix")
                        + "), " + Fmt.count(p.truncatedBytes()) + " torn bytes cut; __resume frame at " + p.frameOffset());
            }
        }
        out.println("header    format version " + inv.header().version());
        for (Map.Entry<String, Object> e : inv.header().metadata().entrySet()) {
            Object v = e.getValue();
            out.printf(Locale.ROOT, "  %-20s %s%n", e.getKey(), v instanceof Map<?, ?> m ? Fmt.pairs(m) : v);
        }
        out.println();
        out.println("layers (" + inv.layers().size() + ")");
        TextTable lt = new TextTable().left("layer").right("frames").left("dtype").left("shapes").left("encoding")
                .right("file bytes").right("source bytes").right("ratio").right("max abs error");
        for (LayerInventory l : inv.layers()) {
            String shapes = shapesText(l);
            lt.row(l.name(), Fmt.count(l.frames()),
                    l.dtypes().stream().map(DType::name).map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")),
                    shapes + (l.sampledFrames() > 0 ? " (sampled)" : ""), String.join(",", l.encodings()),
                    Fmt.count(l.fileBytes()), Fmt.count(l.sourceBytes()),
                    Fmt.ratio(l.compressionRatio()),
                    Fmt.num(l.maxAbsError()));
        }
        lt.print(out, "  ");
        out.println();
        out.println("requests (" + inv.requests().size() + ")");
        TextTable rt = new TextTable().right("request").right("tokens").right("steps").left("finished")
                .right("tensor frames").right("tensor bytes");
        for (RequestSummary q : inv.requests()) {
            rt.row(q.id() < 0 ? "none" : Long.toString(q.id()), Fmt.count(q.tokens()),
                    q.firstStep() + ".." + q.lastStep(), q.finished() ? "yes" : "no", Fmt.count(q.tensorFrames()),
                    Fmt.count(q.tensorBytes()));
        }
        rt.print(out, "  ");
    }

    /** The first few distinct shapes; a growing context makes one per step, which no table row can hold. */
    private static String shapesText(LayerInventory l) {
        int shown = 3;
        String first = l.shapes().stream().limit(shown).collect(Collectors.joining(" "));
        int rest = l.shapes().size() - shown;
        if (rest <= 0) return first;
        return first + " +" + rest + (l.moreShapes() ? "+" : "") + " more";
    }

    static String endText(StreamEnd end, StreamCensus c) {
        switch (end.status()) {
            case CLEAN:
                return c.closedCleanly() ? "clean: closed by the writer (__end frame at offset " + c.endFrameOffset() + ")"
                        : "complete frames but no __end frame: the writer did not close (killed, or still writing)";
            case TORN:
                return "torn tail at offset " + end.offset() + " (" + end.message() + "): valid prefix "
                        + Fmt.count(end.offset()) + " bytes, " + Fmt.count(end.trailingBytes()) + " trailing bytes";
            default:
                return "corrupt framing at offset " + end.offset() + " (" + end.message() + "): nothing after it is readable";
        }
    }

    /** One line per frame, printed as the file is walked (the listing of a large file is not held in memory). */
    private static void printFrames(StreamReader r, PrintStream out) throws IOException {
        out.printf(Locale.ROOT, "%12s  %-8s  %10s  %7s  %5s  %-32s  %s%n", "offset", "kind", "length", "request", "step",
                "name", "detail");
        for (Frame f : r) {
            String req = "";
            String step = "";
            String detail;
            if (f.kind() == FrameKind.TENSOR) {
                TensorHeader h = f.tensorHeader();
                req = Long.toString(h.requestId());
                step = Integer.toString(h.step());
                detail = h.sourceDType().name().toLowerCase(Locale.ROOT) + " " + LayerInventory.shapeText(h.shape());
            } else if (f.kind() == FrameKind.TOKEN) {
                TokenRecord t = f.token();
                req = Long.toString(t.requestId());
                step = Integer.toString(t.step());
                detail = "id " + t.tokenId() + " " + Fmt.token(t.text()) + (t.last() ? " last" : "");
            } else if (f.kind() == FrameKind.HEADER || f.kind() == FrameKind.UNKNOWN_RESERVED) {
                detail = "";
            } else {
                String json = Json.write(f.json());
                detail = json.length() > 80 ? json.substring(0, 77) + "..." : json;
            }
            out.printf(Locale.ROOT, "%12d  %-8s  %10d  %7s  %5s  %-32s  %s%n", f.offset(),
                    f.kind().name().toLowerCase(Locale.ROOT), f.totalLength(), req, step, f.name(), detail);
        }
    }
}
