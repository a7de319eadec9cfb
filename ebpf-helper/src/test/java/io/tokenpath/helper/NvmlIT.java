package io.tokenpath.helper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The helper's NVML path against test/fake_nvml.c (no GPU here): several GPUs with exact values, the monitored
 * process's own GPU memory and nobody else's, no driver, no library, unsupported fields per GPU, an old driver
 * without the _v2/_v3 entry points, the buffer-too-small retry while the list grows, and a privileged binary
 * refusing a caller's library path.
 */
class NvmlIT {
    static final Path FAKE = HelperRun.DIR.resolve("test/fake-nvml").toAbsolutePath();
    static final Path FAKE_OLD = HelperRun.DIR.resolve("test/fake-nvml-old").toAbsolutePath();
    static final String GPU0 = "GPU-fa4e0000-0000-0000-0000-000000000000";

    @BeforeAll
    static void root() {
        assumeTrue(HelperRun.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
    }

    static String[] gpu(int i) {
        return new String[] {"hw.id=GPU-fa4e0000-0000-0000-0000-00000000000" + i, "hw.name=NVIDIA H100 80GB HBM3",
                "hw.vendor=nvidia", "tokenpath.gpu.index=" + i};
    }

    static String[] with(String[] a, String extra) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = extra;
        return r;
    }

    static HelperRun helper(long pid, Map<String, String> env, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--pid", Long.toString(pid), "--interval-ms", "100", "--syscalls", "off"));
        args.addAll(List.of(extra));
        return HelperRun.start(List.of(), env, args.toArray(String[]::new));
    }

    @Test
    void severalGpusWithExactValuesAndOnlyTheProcessOwnMemory() throws Exception {
        try (Workload w = Workload.start()) {
            Map<String, String> env = Map.of("LD_LIBRARY_PATH", FAKE.toString(), "FAKE_NVML_GPUS", "3",
                    "FAKE_NVML_PROCS", w.pid() + ":5000:0," + w.pid() + ":1073741824:2,4242:777:0,4242:888:1");
            try (HelperRun h = helper(w.pid(), env)) {
                ProtocolReader.Batch b = h.next();
                assertEquals("ok", h.reader.hello.get("nvml"), h.logText());
                assertEquals("v3", h.reader.hello.get("nvml_processes"));
                for (int i = 0; i < 3; i++) {
                    String[] g = gpu(i);
                    assertEquals(80.0 * (1L << 30), b.value("hw.gpu.memory.limit", g));
                    assertEquals((long) ((80L << 30) * (12 + i) / 100.0), b.value("hw.gpu.memory.usage", g));
                    assertEquals((50 + i) / 100.0, b.value("hw.gpu.utilization", g), 1e-12);
                    assertEquals((30 + i) / 100.0, b.value("hw.gpu.memory.utilization", g), 1e-12);
                    assertEquals(60 + i, b.value("tokenpath.gpu.temperature", g));
                    assertEquals(250 + i, b.value("tokenpath.gpu.power.usage", g));
                    assertEquals(700, b.value("tokenpath.gpu.power.limit", g));
                    assertEquals((123456789 + i) / 1000.0, b.value("tokenpath.gpu.energy.consumed", g), 1e-9);
                    assertEquals(1980e6, b.value("tokenpath.gpu.clock.sm", g));
                    assertEquals(2619e6, b.value("tokenpath.gpu.clock.memory", g));
                    assertEquals((1000 + i) * 1024.0, b.value("tokenpath.gpu.pcie.throughput", with(g, "tokenpath.direction=receive")));
                    assertEquals((2000 + i) * 1024.0, b.value("tokenpath.gpu.pcie.throughput", with(g, "tokenpath.direction=transmit")));
                }
                // the workload's own memory per GPU; pid 4242's never shows
                assertEquals(5000, b.value("tokenpath.gpu.process.memory.usage", gpu(0)));
                assertEquals(0, b.value("tokenpath.gpu.process.memory.usage", gpu(1)));
                assertEquals(1073741824, b.value("tokenpath.gpu.process.memory.usage", gpu(2)));
                assertEquals(1, b.value("tokenpath.helper.running", "tokenpath.helper.version=" + h.reader.hello.get("version"),
                        "tokenpath.helper.syscall_mode=off", "tokenpath.helper.attach=tp_btf", "tokenpath.helper.nvml=ok"));
            }
        }
    }

    @Test
    void noDriverNoLibraryAndUnsupportedFieldsDegradeCleanly() throws Exception {
        try (Workload w = Workload.start()) {
            try (HelperRun h = helper(w.pid(), Map.of("LD_LIBRARY_PATH", FAKE.toString(), "FAKE_NVML_DRIVER", "missing"))) {
                ProtocolReader.Batch b = h.next();
                assertEquals("no_driver", h.reader.hello.get("nvml"));
                assertTrue(b.series("hw.gpu.memory.usage").isEmpty());
                assertFalse(b.series("tokenpath.process.oncpu.time").isEmpty() && b.series("tokenpath.process.page_faults").isEmpty(),
                        "kernel metrics go on without a GPU driver");
                assertTrue(h.logText().contains("driver is not loaded"), h.logText());
            }
            try (HelperRun h = helper(w.pid(), Map.of(), "--nvml-lib", "/nonexistent/libnvidia-ml.so.1")) {
                ProtocolReader.Batch b = h.next();
                assertEquals("no_library", h.reader.hello.get("nvml"));
                assertTrue(b.series("hw.gpu.utilization").isEmpty());
                assertNotNull(b.value("tokenpath.helper.running", "tokenpath.helper.version=" + h.reader.hello.get("version"),
                        "tokenpath.helper.syscall_mode=off", "tokenpath.helper.attach=tp_btf", "tokenpath.helper.nvml=no_library"));
            }
            Map<String, String> env = Map.of("LD_LIBRARY_PATH", FAKE.toString(), "FAKE_NVML_GPUS", "2",
                    "FAKE_NVML_UNSUPPORTED", "1:temperature,1:power,processes");
            try (HelperRun h = helper(w.pid(), env)) {
                ProtocolReader.Batch b = h.next();
                assertEquals(60, b.value("tokenpath.gpu.temperature", gpu(0)));
                assertNull(b.value("tokenpath.gpu.temperature", gpu(1)), "unsupported on GPU 1: absent, not 0");
                assertEquals(250, b.value("tokenpath.gpu.power.usage", gpu(0)));
                assertNull(b.value("tokenpath.gpu.power.usage", gpu(1)));
                assertEquals(0.51, b.value("hw.gpu.utilization", gpu(1)), 1e-12, "GPU 1's other fields stay");
                assertTrue(b.series("tokenpath.gpu.process.memory.usage").isEmpty(), "no process list: no process memory");
                assertTrue(h.logText().contains("GPU 1 does not support temperature"), h.logText());
            }
        }
    }

    @Test
    void oldDriverAndTheBufferTooSmallRetry(@TempDir Path dir) throws Exception {
        try (Workload w = Workload.start()) {
            try (HelperRun h = helper(w.pid(), Map.of("LD_LIBRARY_PATH", FAKE_OLD.toString(), "FAKE_NVML_PROCS", w.pid() + ":4096"))) {
                ProtocolReader.Batch b = h.next();
                assertEquals("v1", h.reader.hello.get("nvml_processes"), "an old driver has no _v2/_v3 process list");
                assertEquals(4096, b.value("tokenpath.gpu.process.memory.usage", gpu(0)));
                assertEquals(0.5, b.value("hw.gpu.utilization", gpu(0)));
            }
            // 20 entries of the workload's (a process with many contexts) and a list that grows by 10 between the
            // "how many" and the "fill in" calls: the helper must retry until the answer fits
            StringJoiner procs = new StringJoiner(",");
            long want = 0;
            for (int i = 1; i <= 20; i++) {
                procs.add(w.pid() + ":" + (i * 1000));
                want += i * 1000;
            }
            Path log = dir.resolve("nvml-calls.log");
            Map<String, String> env = new HashMap<>(Map.of("LD_LIBRARY_PATH", FAKE.toString(), "FAKE_NVML_PROCS", procs.toString(),
                    "FAKE_NVML_GROW", "10", "FAKE_NVML_LOG", log.toString()));
            try (HelperRun h = helper(w.pid(), env)) {
                ProtocolReader.Batch b = h.next();
                assertEquals(want, b.value("tokenpath.gpu.process.memory.usage", gpu(0)));
            }
            List<String> calls = Files.readAllLines(log);
            assertTrue(calls.get(0).matches("v3 0 7 20"), "first call: no buffer, too small, 20 needed: " + calls);
            assertTrue(calls.stream().anyMatch(l -> l.split(" ")[2].equals("7") && !l.startsWith("v3 0 ")),
                    "the list grew after the first answer, so a sized call was too small too: " + calls);
            assertTrue(calls.stream().anyMatch(l -> l.split(" ")[2].equals("0")), "and a later call succeeded: " + calls);
        }
    }

    @Test
    void aPrivilegedBinaryRefusesTheCallersLibraryPath(@TempDir Path dir) throws Exception {
        // a copy with file capabilities, run by nobody: the kernel marks it secure-exec, as for set-uid programs
        Path bin = dir.resolve("tokenpath-helper");
        Files.copy(HelperRun.BINARY, bin);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process setcap = new ProcessBuilder("setcap", "cap_bpf,cap_perfmon+ep", bin.toString()).inheritIO().start();
        assertEquals(0, setcap.waitFor(), "setcap (libcap2-bin) must be installed");
        try (Workload w = Workload.start()) {
            for (String how : List.of("option", "environment")) {
                List<String> cmd = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin.toString(),
                        "--pid", Long.toString(w.pid()), "--batches", "1", "--interval-ms", "100");
                cmd = new java.util.ArrayList<>(cmd);
                if (how.equals("option")) cmd.addAll(List.of("--nvml-lib", FAKE.resolve("libnvidia-ml.so.1").toString()));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().put("LD_LIBRARY_PATH", FAKE.toString()); // ignored by ld.so for secure-exec
                if (how.equals("environment")) pb.environment().put("TOKENPATH_NVML_LIB", FAKE.resolve("libnvidia-ml.so.1").toString());
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor();
                assertTrue(out.contains("refusing " + (how.equals("option") ? "--nvml-lib" : "TOKENPATH_NVML_LIB")), out);
                assertTrue(out.contains("nvml=no_library"), "neither the option nor LD_LIBRARY_PATH reached dlopen:\n" + out);
            }
        }
    }
}
