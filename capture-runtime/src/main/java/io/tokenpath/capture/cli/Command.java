package io.tokenpath.capture.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;

/** One tokenpath-stream command. Each takes exactly one stream FILE plus its own options. */
interface Command {
    /** The word that selects it: "inspect". */
    String name();

    /** Arguments after the name, for the usage line: "FILE [--frames]". */
    String synopsis();

    /** One line saying what it does. */
    String summary();

    /** Options without a value ("frames" for --frames). */
    default Set<String> flags() { return Set.of(); }

    /** Options that take a value ("layer" for --layer REGEX). */
    default Set<String> valued() { return Set.of(); }

    /**
     * Runs the command. Results go to {@code out}, notes and warnings to {@code err}.
     *
     * @return the exit status ({@link ExitCode})
     * @throws IOException when the file cannot be read or is damaged; the caller prints one line and exits 1
     * @throws UsageException when an option value is wrong
     */
    int run(CliArgs args, PrintStream out, PrintStream err) throws IOException, UsageException;
}
