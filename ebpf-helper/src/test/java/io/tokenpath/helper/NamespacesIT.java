package io.tokenpath.helper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The helper where the machine is not what it expects: tracefs missing (raw sys_enter/sys_exit instead, or a
 * private mount of its own), and a pid namespace of its own, as in a container without hostPID, where the pids it
 * is given are not the kernel's.
 */
class NamespacesIT {
    static final String WORKLOAD = HelperRun.DIR.resolve("test/workload").toAbsolutePath().toString();
    static final String HELPER = HelperRun.BINARY.toAbsolutePath().toString();

    @BeforeAll
    static void root() {
        assumeTrue(HelperRun.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
    }

    /** A shell in a new mount namespace with tracefs (and debugfs's copy) unmounted there only. */
    static List<String> withoutTracefs(String command) {
        return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; "
                        + "test ! -e /sys/kernel/tracing/events || exit 99; exec " + command);
    }

    @Test
    void withoutTracefsTheRawModeCountsTheSame() throws Exception {
        try (Workload w = Workload.start();
                HelperRun h = HelperRun.start(withoutTracefs(HELPER + " --pid " + w.pid()
                        + " --interval-ms 100 --no-nvml --no-mount-tracefs"), Map.of())) {
            ProtocolReader.Batch b0 = h.next();
            assertEquals("raw", h.reader.hello.get("syscall_mode"), h.logText());
            b0 = h.fresh();
            w.run("open /dev/nvidia0");
            w.run("anon 65536");
            ProtocolReader.Batch b1 = h.fresh();
            assertEquals(1, KernelCountsIT.delta(b0, b1, "tokenpath.process.device_opens", "tokenpath.device=nvidia0", "tokenpath.result=error"));
            assertEquals(65536, KernelCountsIT.delta(b0, b1, "tokenpath.process.syscall.bytes", "tokenpath.syscall=mlock"));
        }
    }

    @Test
    void withoutTracefsAPrivilegedHelperMountsItsOwn() throws Exception {
        try (Workload w = Workload.start();
                HelperRun h = HelperRun.start(withoutTracefs(HELPER + " --pid " + w.pid() + " --interval-ms 100 --no-nvml"), Map.of())) {
            h.next();
            assertEquals("tracepoint", h.reader.hello.get("syscall_mode"), h.logText());
            assertTrue(h.logText().contains("mounted it in the helper's own mount namespace"), h.logText());
            ProtocolReader.Batch b0 = h.fresh();
            w.run("open /dev/nvidiactl");
            assertEquals(1, KernelCountsIT.delta(b0, h.fresh(), "tokenpath.process.device_opens", "tokenpath.device=nvidiactl", "tokenpath.result=error"));
        }
    }

    @Test
    void inAPidNamespaceOfItsOwnPidsAreTranslated() throws Exception {
        // helper and workload in a new pid namespace: the helper is given the workload's pid as seen inside it; the
        // workload waits for the helper to attach before it acts
        String script = "wait 2500;open /dev/nvidia-ns;open /dev/nvidia-ns;sleep 300";
        List<String> cmd = List.of("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
                WORKLOAD + " --script '" + script + "' >/dev/null </dev/zero & exec " + HELPER
                        + " --pid $! --interval-ms 100 --no-nvml");
        try (HelperRun h = HelperRun.start(cmd, Map.of())) {
            h.next();
            assertTrue(h.logText().contains("running in a pid namespace (level 1)"), h.logText());
            int nsPid = Integer.parseInt(h.reader.hello.get("pid"));
            assertTrue(nsPid < 10, "the pid is the namespace's own, small: " + nsPid);
            ProtocolReader.Batch b = null;
            for (int i = 0; i < 50; i++) {
                b = h.next();
                if (b.valueOr0("tokenpath.process.offcpu.time", "tokenpath.thread_group=tp-sleeper", "tokenpath.offcpu.state=sleeping") >= 0.295) break;
            }
            assertEquals(2, b.value("tokenpath.process.device_opens", "tokenpath.device=nvidia-ns", "tokenpath.result=error"),
                    "BPF sees host pids; only translation makes them match: " + h.logText());
            assertTrue(b.valueOr0("tokenpath.process.offcpu.time", "tokenpath.thread_group=tp-sleeper", "tokenpath.offcpu.state=sleeping") >= 0.295);
        }
    }
}
