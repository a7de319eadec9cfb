package io.tokenpath.helper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The helper on the real kernel against a process of known behaviour: each command's counts and bytes, exactly,
 * as differences between a batch before and a batch after it; off-CPU time in the right state; in each attach
 * and system-call mode.
 */
class KernelCountsIT {
    static final long FILE_SIZE = 24L << 20;
    static final long DIRECT_BYTES = 1L << 20;
    @TempDir
    static Path dir;
    static Path weights;
    static Path scratch;

    @BeforeAll
    static void files() throws Exception {
        assumeTrue(HelperRun.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
        // on the real disk (the temp dir is on ext4 here), written and synced so later reads meet no dirty pages
        weights = dir.resolve("model-weights.bin");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            byte[] chunk = new byte[1 << 20];
            new java.util.Random(7).nextBytes(chunk);
            for (long o = 0; o < FILE_SIZE; o += chunk.length) f.write(chunk);
            f.getFD().sync();
        }
        // overwritten in place by the test: allocated and synced now, so the write changes no metadata
        scratch = dir.resolve("direct-write.bin");
        try (RandomAccessFile f = new RandomAccessFile(scratch.toFile(), "rw")) {
            f.write(new byte[(int) DIRECT_BYTES]);
            f.getFD().sync();
        }
    }

    static double delta(ProtocolReader.Batch before, ProtocolReader.Batch after, String name, String... labels) {
        return after.valueOr0(name, labels) - before.valueOr0(name, labels);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--syscalls=tracepoint", "--syscalls=raw", "--syscalls=raw --attach=raw_tp"})
    void countsAndBytesAreExact(String mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("--no-nvml", "--large-file", Long.toString(FILE_SIZE)));
        for (String m : mode.split(" ")) args.addAll(List.of(m.split("=")));
        try (Workload w = Workload.start(); HelperRun h = HelperRun.forPid(w.pid(), args.toArray(String[]::new))) {
            h.next();
            String wantMode = mode.contains("tracepoint") ? "tracepoint" : "raw";
            assertEquals(wantMode, h.reader.hello.get("syscall_mode"), h.logText());
            assertEquals(mode.contains("raw_tp") ? "raw_tp" : "tp_btf", h.reader.hello.get("attach"));

            ProtocolReader.Batch b0 = h.fresh();
            w.run("mmap " + weights);
            ProtocolReader.Batch b1 = h.fresh();
            assertEquals(1, delta(b0, b1, "tokenpath.process.syscalls", "tokenpath.syscall=mmap", "tokenpath.result=ok"));
            assertEquals(FILE_SIZE, delta(b0, b1, "tokenpath.process.syscall.bytes", "tokenpath.syscall=mmap"));
            assertEquals(1, delta(b0, b1, "tokenpath.process.syscalls", "tokenpath.syscall=munmap", "tokenpath.result=ok"));
            assertEquals(FILE_SIZE, delta(b0, b1, "tokenpath.process.syscall.bytes", "tokenpath.syscall=munmap"));
            assertEquals(1, delta(b0, b1, "tokenpath.process.syscalls", "tokenpath.syscall=openat", "tokenpath.result=ok"));
            assertEquals(1, delta(b0, b1, "tokenpath.process.large_file_opens"));
            assertEquals(FILE_SIZE, delta(b0, b1, "tokenpath.process.large_file_open.bytes"));
            // every page touched once: at least one fault per page (readahead may map several per fault: /proc's
            // minflt is what the kernel counted, the tracepoint counts user-mode entries)
            double pages = FILE_SIZE / 4096.0;
            assertTrue(delta(b0, b1, "tokenpath.process.page_faults", "tokenpath.fault.type=minor")
                    + delta(b0, b1, "tokenpath.process.page_faults", "tokenpath.fault.type=major") > 0);
            assertTrue(delta(b0, b1, "tokenpath.process.page_faults", "tokenpath.fault.type=user") > 0
                    && delta(b0, b1, "tokenpath.process.page_faults", "tokenpath.fault.type=user") <= pages + 64);
            ProtocolReader.Event e = h.reader.events.stream().filter(ev -> ev.name().equals("tokenpath.process.large_file_open"))
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no large-file event"));
            assertEquals(weights.toString(), e.fields().get("path"));
            assertEquals(Long.toString(FILE_SIZE), e.fields().get("size"));

            w.run("anon 1048576");
            w.run("anon2 2097152");
            w.run("mlockall");
            ProtocolReader.Batch b2 = h.fresh();
            assertEquals(2, delta(b1, b2, "tokenpath.process.syscalls", "tokenpath.syscall=mmap", "tokenpath.result=ok"));
            assertEquals(3 << 20, delta(b1, b2, "tokenpath.process.syscall.bytes", "tokenpath.syscall=mmap"));
            assertEquals(3 << 20, delta(b1, b2, "tokenpath.process.syscall.bytes", "tokenpath.syscall=munmap"));
            assertEquals(1, delta(b1, b2, "tokenpath.process.syscalls", "tokenpath.syscall=mlock", "tokenpath.result=ok"));
            assertEquals(1 << 20, delta(b1, b2, "tokenpath.process.syscall.bytes", "tokenpath.syscall=mlock"));
            assertEquals(1, delta(b1, b2, "tokenpath.process.syscalls", "tokenpath.syscall=mlock2", "tokenpath.result=ok"));
            assertEquals(2 << 20, delta(b1, b2, "tokenpath.process.syscall.bytes", "tokenpath.syscall=mlock2"));
            assertEquals(1, delta(b1, b2, "tokenpath.process.syscalls", "tokenpath.syscall=mlockall", "tokenpath.result=ok"));

            w.run("open /dev/nvidia0");
            w.run("open /dev/nvidiactl");
            w.run("open /dev/nvidiactl");
            w.run("open /dev/nvidia-uvm");
            ProtocolReader.Batch b3 = h.fresh();
            assertEquals(1, delta(b2, b3, "tokenpath.process.device_opens", "tokenpath.device=nvidia0", "tokenpath.result=error"));
            assertEquals(2, delta(b2, b3, "tokenpath.process.device_opens", "tokenpath.device=nvidiactl", "tokenpath.result=error"));
            assertEquals(1, delta(b2, b3, "tokenpath.process.device_opens", "tokenpath.device=nvidia-uvm", "tokenpath.result=error"));
            assertEquals(4, delta(b2, b3, "tokenpath.process.syscalls", "tokenpath.syscall=openat", "tokenpath.result=error"));

            w.run("write " + scratch + " " + DIRECT_BYTES);
            w.run("read " + weights + " " + DIRECT_BYTES);
            ProtocolReader.Batch b4 = h.fresh();
            // the 1 MiB of data, plus the inode block the file system writes in the process's own context when
            // fdatasync follows the mtime change (seen with bpftrace as a 4 KiB "WSM" request from the workload)
            double written = delta(b3, b4, "tokenpath.process.disk.io", "tokenpath.disk.device=vda", "tokenpath.disk.operation=write");
            assertTrue(written >= DIRECT_BYTES && written <= DIRECT_BYTES + 8192 && written % 4096 == 0,
                    "O_DIRECT write of 1 MiB + fdatasync: its bytes attributed to the process, got " + written);
            assertEquals(DIRECT_BYTES, delta(b3, b4, "tokenpath.process.disk.io", "tokenpath.disk.device=vda", "tokenpath.disk.operation=read"));
            ProtocolReader.Hist readLat = b4.hist("tokenpath.process.disk.io.latency", "tokenpath.disk.device=vda", "tokenpath.disk.operation=read");
            assertNotNull(readLat);
            assertTrue(readLat.count() >= 1);
            assertNotNull(b4.hist("tokenpath.disk.io.latency", "tokenpath.disk.device=vda", "tokenpath.disk.operation=read"),
                    "the device's own latency (node data) is there too");
            assertTrue(delta(b3, b4, "tokenpath.process.offcpu.time", "tokenpath.thread_group=workload", "tokenpath.offcpu.state=io") > 0,
                    "the O_DIRECT read blocks on the disk: off CPU in state io");

            w.run("sleep 400");
            ProtocolReader.Batch b5 = h.fresh();
            double slept = delta(b4, b5, "tokenpath.process.offcpu.time", "tokenpath.thread_group=tp-sleeper", "tokenpath.offcpu.state=sleeping");
            assertTrue(slept >= 0.395 && slept < 0.6, "tp-sleeper slept 400 ms, the helper saw " + slept);

            w.run("spin 400 3");
            ProtocolReader.Batch b6 = h.fresh();
            // three threads on one CPU for 400 ms of wall time each: every thread is running or runnable all that
            // time (1.2 s together), and at most one of them runs at a time, so runnable >= twice on-CPU (whatever
            // else the machine runs on CPU 0 only moves time from on-CPU to runnable)
            double preempted = delta(b5, b6, "tokenpath.process.offcpu.time", "tokenpath.thread_group=tp-spin-", "tokenpath.offcpu.state=preempted");
            double oncpu = delta(b5, b6, "tokenpath.process.oncpu.time", "tokenpath.thread_group=tp-spin-");
            assertTrue(preempted + oncpu > 1.15 && preempted + oncpu < 1.35, "running or runnable " + (preempted + oncpu) + " s");
            assertTrue(oncpu > 0.05 && oncpu < 0.45, "on CPU " + oncpu);
            assertTrue(preempted >= 1.9 * oncpu, "runnable " + preempted + " vs on CPU " + oncpu);
            assertTrue(delta(b5, b6, "tokenpath.process.context_switches", "tokenpath.switch.type=involuntary") >= 3);
            long runq = b6.hist("tokenpath.process.runqueue.latency").count() - b5.hist("tokenpath.process.runqueue.latency").count();
            assertTrue(runq >= 3, "run-queue waits recorded: " + runq);
        }
    }
}
