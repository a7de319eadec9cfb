package io.tokenpath.capture.cli;

import io.tokenpath.capture.analysis.Problem;
import io.tokenpath.capture.analysis.Verification;
import io.tokenpath.capture.pipeline.Checkpoint;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code verify FILE}: decodes every frame (CRC32C of every tensor) and reports every problem with its offset.
 * Exit 0: clean end, closed by the writer, everything decodes. Exit 2: only a torn tail (a crash while writing);
 * says how long the valid prefix is and what a resume will cut. Exit 1: anything else.
 */
final class VerifyCommand implements Command {
    @Override
    public String name() { return "verify"; }

    @Override
    public String synopsis() { return "FILE"; }

    @Override
    public String summary() {
        return "decode every frame and check every CRC; exit 0 clean, 1 problems (each with its offset), 2 torn tail";
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws IOException {
        Verification v;
        try (StreamReader r = StreamReader.open(args.file())) {
            v = Verification.run(r);
        }
        out.println("verify " + args.file() + ": " + Fmt.count(v.census().frames()) + " frames, "
                + Fmt.count(v.tensorsDecoded()) + " tensors and " + Fmt.count(v.tokensDecoded()) + " tokens decoded, "
                + Fmt.count(v.fileSize()) + " bytes");
        for (Problem w : v.warnings()) out.println("  warning: " + w);
        if (v.passed()) {
            out.println("OK: every frame decodes, CRCs match, the writer closed the stream");
            return ExitCode.OK;
        }
        for (Problem p : v.problems()) out.println("  problem: " + p);
        if (v.tornTailOnly()) {
            printTorn(args.file(), v.end(), v.census().frames(), out);
            return ExitCode.TORN;
        }
        if (v.end().status() == StreamEnd.Status.TORN) printTorn(args.file(), v.end(), v.census().frames(), out);
        out.println("FAILED: " + v.problems().size() + " problem(s)");
        return ExitCode.FAILED;
    }

    private static void printTorn(Path file, StreamEnd end, long frames, PrintStream out) throws IOException {
        out.println("TORN: the frame at offset " + end.offset() + " is incomplete (" + end.message() + ")");
        out.println("  valid prefix: " + Fmt.count(end.offset()) + " bytes (" + Fmt.count(frames)
                + " complete frames); " + Fmt.count(end.trailingBytes()) + " trailing bytes");
        Checkpoint ckpt = Checkpoint.read(Checkpoint.pathFor(file));
        if (ckpt == null) {
            out.println("  resuming this capture (resume=true) will cut the " + Fmt.count(end.trailingBytes())
                    + " trailing bytes and append from offset " + end.offset());
        } else {
            out.println("  a checkpoint records durable offset " + ckpt.durableOffset() + ": resuming this capture"
                    + " (resume=true) will truncate there, cutting " + Fmt.count(end.fileSize() - ckpt.durableOffset())
                    + " bytes");
        }
    }
}
