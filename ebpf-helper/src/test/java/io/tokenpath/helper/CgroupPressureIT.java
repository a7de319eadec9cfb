package io.tokenpath.helper;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** PSI of the process's own cgroup (v2): a workload in a cgroup of its own, contending for one CPU, stalls there. */
class CgroupPressureIT {
    static Optional<Path> cgroup2Mount() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(" - cgroup2 "))
                .map(l -> Path.of(l.split(" ")[4])).findFirst();
    }

    @Test
    void theProcessCgroupPressureIsReported() throws Exception {
        assumeTrue(HelperRun.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
        Optional<Path> mnt = cgroup2Mount();
        assumeTrue(mnt.isPresent(), "no cgroup v2 hierarchy mounted");
        Path cg = mnt.get().resolve("tokenpath-test-" + ProcessHandle.current().pid());
        Files.createDirectories(cg);
        try (Workload w = Workload.start()) {
            Files.writeString(cg.resolve("cgroup.procs"), Long.toString(w.pid()));
            try (HelperRun h = HelperRun.forPid(w.pid(), "--no-nvml", "--syscalls", "off")) {
                ProtocolReader.Batch b0 = h.fresh();
                assertNotNull(b0.value("tokenpath.pressure.stall.time", "tokenpath.pressure.resource=cpu", "tokenpath.pressure.kind=some",
                        "tokenpath.pressure.scope=cgroup"), "the cgroup's cpu.pressure is read: " + b0.series("tokenpath.pressure.stall.time"));
                w.run("spin 300 3");
                ProtocolReader.Batch b1 = h.fresh();
                double stalled = KernelCountsIT.delta(b0, b1, "tokenpath.pressure.stall.time", "tokenpath.pressure.resource=cpu",
                        "tokenpath.pressure.kind=some", "tokenpath.pressure.scope=cgroup");
                // three threads on one CPU for 300 ms: someone in the cgroup was runnable and waiting nearly all the time
                assertTrue(stalled > 0.15 && stalled < 1.0, "cgroup CPU stall " + stalled + " s");
                assertNotNull(b1.value("tokenpath.pressure.stall.time", "tokenpath.pressure.resource=cpu", "tokenpath.pressure.kind=some",
                        "tokenpath.pressure.scope=system"), "and the system's");
            }
        } finally {
            // the workload has exited: the cgroup is empty and can go
            for (int i = 0; i < 50 && !Files.readString(cg.resolve("cgroup.procs")).isBlank(); i++) Thread.sleep(100);
            Files.delete(cg);
        }
    }
}
