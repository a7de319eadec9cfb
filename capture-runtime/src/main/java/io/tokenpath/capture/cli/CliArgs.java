package io.tokenpath.capture.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's parsed arguments: {@code --name value}, {@code --name=value} and {@code --flag} options as the command
 * declares them, and exactly one positional FILE. {@code --} ends the options (for a file named like an option).
 * Anything undeclared, repeated or missing is a {@link UsageException} naming it.
 */
final class CliArgs {
    private final Path file;
    private final Set<String> flags;
    private final Map<String, String> values;

    private CliArgs(Path file, Set<String> flags, Map<String, String> values) {
        this.file = file;
        this.flags = flags;
        this.values = values;
    }

    static CliArgs parse(Command cmd, List<String> args) throws UsageException {
        Set<String> flags = new HashSet<>();
        Map<String, String> values = new HashMap<>();
        String file = null;
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!optionsEnded && a.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = a.substring(2, eq < 0 ? a.length() : eq);
                if (cmd.flags().contains(name)) {
                    if (eq >= 0) throw new UsageException("option --" + name + " takes no value");
                    if (!flags.add(name)) throw new UsageException("option --" + name + " given twice");
                } else if (cmd.valued().contains(name)) {
                    String v;
                    if (eq >= 0) {
                        v = a.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        v = args.get(++i);
                    } else {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    if (values.put(name, v) != null) throw new UsageException("option --" + name + " given twice");
                } else {
                    throw new UsageException("unknown option " + (eq < 0 ? a : a.substring(0, eq)) + " for '"
                            + cmd.name() + "'");
                }
            } else if (!optionsEnded && a.startsWith("-") && a.length() > 1) {
                throw new UsageException("unknown option " + a + " for '" + cmd.name() + "' (options start with --)");
            } else if (file == null) {
                file = a;
            } else {
                throw new UsageException("unexpected argument '" + a + "': '" + cmd.name() + "' takes one FILE");
            }
        }
        if (file == null) throw new UsageException("missing FILE: '" + cmd.name() + "' needs the stream file to read");
        return new CliArgs(Path.of(file), flags, values);
    }

    Path file() { return file; }

    boolean flag(String name) { return flags.contains(name); }

    /** The option's value, or null when it was not given. */
    String value(String name) { return values.get(name); }

    String value(String name, String dflt) { return values.getOrDefault(name, dflt); }

    String required(String name, String what) throws UsageException {
        String v = values.get(name);
        if (v == null) throw new UsageException("missing --" + name + " " + what);
        return v;
    }

    /** The option as a long, or null when not given. */
    Long longValue(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": '" + v + "' is not an integer");
        }
    }

    int intValue(String name, int dflt, int min, int max) throws UsageException {
        Long v = longValue(name);
        if (v == null) return dflt;
        if (v < min || v > max) throw new UsageException("--" + name + ": " + v + " is outside " + min + ".." + max);
        return (int) (long) v;
    }
}
