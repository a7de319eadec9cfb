package io.tokenpath.capture.cli;

import io.tokenpath.capture.SampleStreams;
import io.tokenpath.capture.StreamSurgery;
import io.tokenpath.capture.read.FrameKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI as users run it: a separate JVM through {@code main}, so the exit status is the process's own (System.exit)
 * and nothing of the test JVM (headless flag, loaded natives) helps it along. Surefire runs before the shaded jar is
 * packaged, so the command line is built from the test's own class path (target/classes and the dependency jars)
 * instead of {@code java -jar}. The shaded jar is not covered here: run {@code java -jar
 * capture-runtime/target/tokenpath-stream.jar inspect FILE} after {@code mvn package} (docs/cli.md).
 */
class StreamCliProcessTest {
    @TempDir
    static Path dir;
    static Path stream;

    @BeforeAll
    static void write() throws IOException {
        stream = SampleStreams.lossless(dir.resolve("proc.stream")).file();
    }

    record Result(int code, String out, String err) {}

    static Result java(String... args) throws IOException, InterruptedException {
        // Surefire may run tests from a manifest-only jar; it publishes the real class path under this property.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "io.tokenpath.capture.cli.StreamCli"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tokenpath-stream " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void inspectRunsInItsOwnJvm() throws Exception {
        Result r = java("inspect", stream.toString());
        assertEquals(0, r.code(), r.err());
        for (String layer : SampleStreams.LAYERS) assertTrue(r.out().contains("  " + layer + " "), r.out());
        assertTrue(r.out().contains("frames    44: 1 header, 35 tensor, 7 token"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void exitStatusesReachTheShell() throws Exception {
        Path torn = StreamSurgery.copy(stream, "proc-torn.stream");
        StreamSurgery.truncate(torn, StreamSurgery.frames(torn, FrameKind.TOKEN).get(3).offset() + 3);
        Result t = java("verify", torn.toString());
        assertEquals(2, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("TORN: the frame at offset"), t.out());

        Result u = java("inspect", "--no-such-option", stream.toString());
        assertEquals(64, u.code());
        assertTrue(u.err().startsWith("tokenpath-stream inspect: unknown option --no-such-option"), u.err());
    }
}
