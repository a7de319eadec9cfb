package io.tokenpath.helper;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input on the command line: one clear line naming what was wrong, and a distinct exit status. */
class HelperCliIT {
    record Result(int code, String out) {}

    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HelperRun.BINARY.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void badOptionsAreNamed() throws Exception {
        Result r = run("--pid", "1", "--attach", "kprobe");
        assertEquals(64, r.code());
        assertTrue(r.out().contains("--attach: 'kprobe' is not one of auto tp_btf raw_tp"), r.out());
        r = run("--pid", "1", "--interval-ms", "10");
        assertEquals(64, r.code());
        assertTrue(r.out().contains("--interval-ms: '10' is not a number in 50..3600000"), r.out());
        r = run("--socket", "/tmp/x.sock", "--pid", "1");
        assertEquals(64, r.code());
        assertTrue(r.out().contains("give exactly one of --socket PATH or --pid N"), r.out());
        r = run("--pid", "1", "stray");
        assertEquals(64, r.code());
        assertTrue(r.out().contains("unexpected argument 'stray'"), r.out());
    }

    @Test
    void aMissingProcessIsSaidSo() throws Exception {
        Result r = run("--pid", "1073741000");
        assertEquals(66, r.code());
        assertTrue(r.out().contains("--pid 1073741000: no such process"), r.out());
    }

    @Test
    void versionAndHelp() throws Exception {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("tokenpath-helper \\S+ \\(protocol 1\\)\\n"), r.out());
        r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("usage: tokenpath-helper --socket PATH"));
    }
}
