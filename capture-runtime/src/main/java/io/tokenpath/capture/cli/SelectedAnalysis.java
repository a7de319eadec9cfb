package io.tokenpath.capture.cli;

import io.tokenpath.capture.analysis.ActivationAnalysis;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;

import java.io.IOException;
import java.io.PrintStream;

/**
 * What stats, export and plot share about their input: reading only part of a torn file is said (a note on stderr,
 * the result is still produced), and an empty selection is an error rather than an empty result.
 */
final class SelectedAnalysis {
    private SelectedAnalysis() {}

    /** Analyses the selected tensors; null (after saying so) when none matched. */
    static ActivationAnalysis run(String command, CliArgs args, TensorSelector sel, PrintStream err) throws IOException {
        ActivationAnalysis a;
        try (StreamReader r = StreamReader.open(args.file())) {
            a = ActivationAnalysis.run(r, sel);
        }
        noteTornTail(command, args, a.end(), err);
        if (a.layers().isEmpty()) {
            nothingSelected(command, args, sel, err);
            return null;
        }
        return a;
    }

    static void noteTornTail(String command, CliArgs args, StreamEnd end, PrintStream err) {
        if (end.isClean()) return;
        err.println(StreamCli.PROGRAM + " " + command + ": note: " + args.file() + " ends in a " + end
                + "; only the frames before offset " + end.offset() + " are used");
    }

    static void nothingSelected(String command, CliArgs args, TensorSelector sel, PrintStream err) {
        err.println(StreamCli.PROGRAM + " " + command + ": no tensor frame in " + args.file() + " matches " + sel);
    }
}
