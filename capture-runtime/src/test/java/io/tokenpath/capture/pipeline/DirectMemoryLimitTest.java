package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JVM's direct memory limit is below the capture's budget: the ring stops growing where allocation failed, says
 * so once, and under policy block keeps every frame (the producer waits) instead of hanging or losing data.
 */
class DirectMemoryLimitTest {
    @Test
    void ringStaysWithinWhatTheJvmAllowsAndLosesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("limited.stream");
        // 8 MiB: the encoder's scratch (about 2 MiB) and one 4 MiB ring segment fit, a second segment does not.
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=8m", "-cp", System.getProperty("java.class.path"),
                DirectMemoryLimitChild.class.getName(), out.toString()).redirectErrorStream(true).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the capture must not hang when its ring cannot grow");
        String output = new String(child.getInputStream().readAllBytes());
        assertEquals(0, child.exitValue(), output);
        assertEquals(1, output.lines().filter(l -> l.contains("direct memory")).count(),
                "one line names the direct memory limit:\n" + output);
        assertTrue(output.contains("written " + DirectMemoryLimitChild.TENSORS + " dropped 0 allocated " + (4 << 20)
                + " capacity " + (4 << 20)), output);
        long tensors = 0;
        try (StreamReader r = StreamReader.open(out)) {
            for (Frame f : r) if (f.name().equals("layer")) tensors++;
        }
        assertEquals(DirectMemoryLimitChild.TENSORS, tensors, "every tensor is in the file");
    }
}
