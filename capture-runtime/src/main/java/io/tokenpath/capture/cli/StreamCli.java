package io.tokenpath.capture.cli;

import io.tokenpath.capture.util.FileErrors;
import io.tokenpath.capture.util.OutputFileException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tokenpath-stream}: look into activation stream files from the command line.
 *
 * <pre>
 * java -jar tokenpath-stream.jar &lt;command&gt; [options] &lt;file&gt;
 * </pre>
 *
 * <p>This class only dispatches and turns failures into one line and an exit status (docs/cli.md lists them); each
 * command is a class of its own. {@link #run} is the whole program without {@code System.exit}, so tests call it
 * in-process.
 */
public final class StreamCli {
    static final String PROGRAM = "tokenpath-stream";

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new InspectCommand(), new VerifyCommand(), new StatsCommand(), new ExportCommand(),
                new PlotCommand(), new DemoCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private StreamCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one command line.
     *
     * @return the exit status: 0 ok, 1 file missing/damaged or checks failed, 2 verify found a torn tail,
     *         64 usage error, 70 internal error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(PROGRAM + ": no command given");
            printUsage(err);
            return ExitCode.USAGE;
        }
        String name = args[0];
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            printUsage(out);
            return ExitCode.OK;
        }
        Command cmd = COMMANDS.get(name);
        if (cmd == null) {
            err.println(PROGRAM + ": unknown command '" + name + "' (commands: " + String.join(", ", COMMANDS.keySet())
                    + ")");
            printUsage(err);
            return ExitCode.USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(usageLine(cmd));
            out.println("  " + cmd.summary());
            return ExitCode.OK;
        }
        CliArgs parsed = null;
        try {
            parsed = CliArgs.parse(cmd, rest);
            return cmd.run(parsed, out, err);
        } catch (UsageException e) {
            err.println(PROGRAM + " " + name + ": " + e.getMessage());
            err.println(usageLine(cmd));
            return ExitCode.USAGE;
        } catch (IOException e) {
            err.println(PROGRAM + " " + name + ": " + describe(parsed.file(), e));
            return ExitCode.FAILED;
        } catch (UncheckedIOException e) {
            // Lazy iteration (TensorSelector.select) can only throw unchecked; the cause says what and where.
            err.println(PROGRAM + " " + name + ": " + describe(parsed.file(), e.getCause()));
            return ExitCode.FAILED;
        } catch (RuntimeException | Error e) {
            err.println(PROGRAM + " " + name + ": internal error (a bug in " + PROGRAM + ", please report it): " + e);
            e.printStackTrace(err);
            return ExitCode.INTERNAL;
        }
    }

    /**
     * One line for a failed read or write. File-system errors name their own path (the input, or an output
     * directory); errors of the stream's content name the input file and carry the byte offset.
     */
    static String describe(Path input, IOException e) {
        if (e instanceof OutputFileException || e instanceof FileSystemException) return FileErrors.describe(e);
        return input + ": " + FileErrors.describe(e);
    }

    static String usageLine(Command c) {
        return "usage: " + PROGRAM + " " + c.name() + " " + c.synopsis();
    }

    private static void printUsage(PrintStream s) {
        s.println("usage: " + PROGRAM + " <command> [options] <file>");
        s.println("commands:");
        for (Command c : COMMANDS.values()) {
            s.println("  " + c.name() + " " + c.synopsis());
            s.println("      " + c.summary());
        }
        s.println("exit status: 0 ok, 1 missing/damaged file or failed check, 2 torn tail (verify), 64 usage error");
    }
}
