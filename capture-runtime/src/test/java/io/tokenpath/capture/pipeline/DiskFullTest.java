package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real full disk: a 1 MiB tmpfs mounted for the test (needs root, as the project's test command runs). The
 * capture must report the error, count every lost frame, never hang a producer, and leave a readable prefix and
 * its checkpoint for a resume.
 */
class DiskFullTest {
    private Path mount;

    @BeforeEach
    void mountTinyTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mount = Files.createTempDirectory("tokenpath-full");
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()),
                "mount of a 1 MiB tmpfs failed");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void fullDiskIsReportedCountedAndLeavesAReadablePrefix() throws Exception {
        Path out = mount.resolve("full.stream");
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(out).codec(Codec.NONE)
                .checkpointEveryTokens(2).maxMemory(16L << 20).maxTensor(1L << 20).sidecar(true).build();
        ActivationCapture cap = ActivationCapture.open(cfg);
        float[] v = new float[16 * 1024]; // 64 KiB per tensor: 40 of them cannot fit in 1 MiB
        for (int i = 0; i < v.length; i++) v[i] = i;
        for (int step = 0; step < 40; step++) {
            cap.captureTensor("00layer", new long[] {16, 1024}, 1, step, v);
            cap.recordToken(1, step, step, "t", false);
            // A durable point before the disk fills, whatever the writer's batching: the checkpoint must then
            // survive the failure for a resume.
            if (step == 3) assertTrue(cap.flush(10_000), "flush before the disk is full");
        }
        IOException e = assertThrows(IOException.class, cap::close);
        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        assertTrue(e.getMessage().contains("durable offset"), e.getMessage());
        CaptureStats.Snapshot s = cap.stats();
        assertTrue(s.drops().get(DropReason.WRITE_ERROR) > 0);
        assertEquals(s.offeredTotal(), s.writtenTotal() + s.droppedTotal(), "every frame is written or counted");
        assertTrue(Files.exists(Checkpoint.pathFor(out)), "the checkpoint stays for a resume");
        assertFalse(Files.exists(TokenSidecar.pathFor(out)), "no sidecar for a failed capture");

        long durable = Checkpoint.read(Checkpoint.pathFor(out)).durableOffset();
        long tensors = 0;
        try (StreamReader r = StreamReader.open(out)) {
            for (Frame f : r) {
                if (f.endOffset() <= durable && f.kind() == FrameKind.TENSOR) {
                    assertArrayEquals(v, f.decode().floats());
                    tensors++;
                }
            }
        }
        assertTrue(tensors > 0, "frames before the failure are intact");
        assertTrue(tensors < 40);
    }
}
