package io.tokenpath.helper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The helper on a real JVM (JvmTargetMain): what the JVM alone cannot do exactly (it maps and opens things of its
 * own) is checked as at-least; what only the test's code does is exact; HotSpot's USDT probes give GC and
 * safepoint timings; on the Debian JDK 17 and on Temurin 25.
 */
class JvmTargetIT {
    static final long FILE_SIZE = 16L << 20;
    @TempDir
    static Path dir;
    static Path weights;

    @BeforeAll
    static void file() throws Exception {
        assumeTrue(HelperRun.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
        weights = dir.resolve("jvm-weights.bin");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(FILE_SIZE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64"})
    void aJvmTarget(String javaHome) throws Exception {
        Path java = Path.of(javaHome, "bin", "java");
        assumeTrue(Files.isExecutable(java), "no JDK at " + javaHome);
        Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
                JvmTargetMain.class.getName(), weights.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        PrintWriter in = new PrintWriter(p.getOutputStream(), true);
        try (HelperRun h = HelperRun.forPid(p.pid(), "--no-nvml", "--large-file", Long.toString(FILE_SIZE))) {
            assertEquals("ready", out.readLine());
            ProtocolReader.Batch b0 = h.fresh();
            in.println("go");
            assertTrue(out.readLine().startsWith("done"));
            ProtocolReader.Batch b1 = h.fresh();

            assertEquals(3, KernelCountsIT.delta(b0, b1, "tokenpath.process.device_opens", "tokenpath.device=nvidia-jvm", "tokenpath.result=error"));
            assertTrue(KernelCountsIT.delta(b0, b1, "tokenpath.process.syscall.bytes", "tokenpath.syscall=mmap") >= FILE_SIZE,
                    "the file's mapping is among the JVM's mmaps");
            assertEquals(1, KernelCountsIT.delta(b0, b1, "tokenpath.process.large_file_opens"));
            assertTrue(h.reader.events.stream().anyMatch(e -> weights.toString().equals(e.fields().get("path"))
                    && Long.toString(FILE_SIZE).equals(e.fields().get("size"))), "large-file event: " + h.reader.events);
            double slept = KernelCountsIT.delta(b0, b1, "tokenpath.process.offcpu.time", "tokenpath.thread_group=tp-jvm-sleeper",
                    "tokenpath.offcpu.state=sleeping");
            assertTrue(slept >= 0.49 && slept < 0.8, "tp-jvm-sleeper slept 500 ms; seen " + slept);
            assertFalse(b1.series("tokenpath.process.oncpu.time").keySet().stream()
                    .noneMatch(l -> l.get("tokenpath.thread_group").startsWith("GC Thread") || l.get("tokenpath.thread_group").startsWith("G1")),
                    "HotSpot's own threads appear as groups: " + b1.series("tokenpath.process.oncpu.time").keySet());

            assertNotNull(h.reader.hello.get("modules"));
            assertTrue(h.reader.hello.get("modules").contains("jvm"));
            long gcs = 0;
            for (String kind : new String[] {"full", "other"}) {
                ProtocolReader.Hist before = b0.hist("tokenpath.jvm.gc.duration", "tokenpath.gc.kind=" + kind);
                ProtocolReader.Hist after = b1.hist("tokenpath.jvm.gc.duration", "tokenpath.gc.kind=" + kind);
                gcs += (after == null ? 0 : after.count()) - (before == null ? 0 : before.count());
            }
            assertTrue(gcs >= 3, "three System.gc() calls seen through hotspot:gc__begin/gc__end: " + gcs + "\n" + h.logText());
            ProtocolReader.Hist sp = b1.hist("tokenpath.jvm.safepoint.duration");
            assertNotNull(sp, "hs_private:safepoint__begin/end: " + h.logText());
            assertTrue(sp.count() >= 3);
            in.println("bye");
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
