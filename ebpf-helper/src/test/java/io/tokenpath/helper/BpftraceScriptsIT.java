package io.tokenpath.helper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ebpf-helper/scripts/*.bt (seed 001's four, corrected) parse, attach and count a known workload. */
class BpftraceScriptsIT {
    @TempDir
    static Path dir;
    static Path run;

    @BeforeAll
    static void workloadScript() throws Exception {
        assumeTrue(HelperRun.isRoot(), "bpftrace loads BPF programs: run the tests as root (CI does)");
        // bpftrace -c splits its command on spaces, so the workload's script goes in a file
        run = dir.resolve("run-workload.sh");
        Files.writeString(run, "#!/bin/sh\nexec " + HelperRun.DIR.resolve("test/workload").toAbsolutePath()
                + " --script 'open /dev/nvidia0;open /dev/nvidia0;open /dev/nvidiactl;anon 65536;anon2 8192;mlockall;sleep 20' </dev/null\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gpu_access.bt|@opens[workload, PID, /dev/nvidia0]: 2",
            "gpu_access.bt|@opens[workload, PID, /dev/nvidiactl]: 1",
            "mlock.bt|@bytes[workload]: 73728",
            "mlock.bt|@calls[workload, tracepoint:syscalls:sys_enter_mlock2]: 1",
            "mlock.bt|@calls[workload, tracepoint:syscalls:sys_enter_mlockall]: 1",
            "mmap.bt|@calls[workload]: ",
            "sched.bt|@switches[workload, "})
    void scriptCountsTheWorkload(String script, String expected) throws Exception {
        Path bt = Path.of("scripts", script);
        assertTrue(Files.isRegularFile(bt), bt.toAbsolutePath().toString());
        Process p = new ProcessBuilder("bpftrace", bt.toString(), "-c", "/bin/sh " + run).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(out.contains("ERROR: ") && !out.contains("RLIMIT_MEMLOCK"), out);
        String want = expected.replace("PID", "\\d+");
        assertTrue(out.lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(want).replace("\\d+", "\\E\\d+\\Q") + ".*")),
                "expected a line starting " + expected + " in:\n" + out);
    }
}
