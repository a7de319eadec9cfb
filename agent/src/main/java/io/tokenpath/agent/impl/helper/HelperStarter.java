package io.tokenpath.agent.impl.helper;

import io.tokenpath.agent.impl.AgentLog;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Chooses how this JVM gets its kernel and GPU metrics (helper.mode) and starts the client for it. */
public final class HelperStarter {
    public static final List<String> MODES = List.of("auto", "socket", "spawn", "off");
    static final String BINARY = "tokenpath-helper";

    private HelperStarter() {}

    /**
     * @param mode one of {@link #MODES} (validated by the caller)
     * @return the running client, or null for mode off
     */
    public static HelperClient start(String mode, String socket, String user, String path, String args, long pid,
            HelperMetrics metrics, AgentLog log) {
        switch (mode) {
            case "off":
                return null;
            case "spawn": {
                Path bin = resolveBinary(path);
                if (bin == null) {
                    log.info("helper.mode=spawn: no " + BINARY + " next to the agent jar or on PATH (set helper.path); kernel and GPU metrics are off");
                    return null;
                }
                return HelperClient.spawn(command(bin, pid, args), metrics, log).start();
            }
            default: // auto and socket: the daemon's socket; auto is quiet while there is none
                return HelperClient.socket(Path.of(socket), user, mode.equals("auto"), metrics, log).start();
        }
    }

    public static List<String> command(Path bin, long pid, String args) {
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--pid", Long.toString(pid)));
        if (args != null && !args.isBlank()) cmd.addAll(List.of(args.trim().split("\\s+")));
        return cmd;
    }

    /** helper.path, else tokenpath-helper beside the agent jar, else the first on PATH; null when none. */
    public static Path resolveBinary(String configured) {
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? p : null;
        }
        try {
            Path jar = Path.of(HelperStarter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = jar.resolveSibling(BINARY);
            if (Files.isExecutable(beside)) return beside;
        } catch (Exception e) {
            // no code source (not run from the jar): PATH only
        }
        String env = System.getenv("PATH");
        if (env == null) return null;
        for (String dir : env.split(File.pathSeparator)) {
            Path p = Path.of(dir, BINARY);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
