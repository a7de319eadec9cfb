package io.tokenpath.capture.cli;

import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.demo.SyntheticCapture;
import io.tokenpath.capture.pipeline.CaptureStats;
import io.tokenpath.capture.pipeline.TokenSidecar;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;

/** {@code demo FILE}: writes a synthetic capture (no model needed) to try the other commands and the Python reader. */
final class DemoCommand implements Command {
    @Override
    public String name() { return "demo"; }

    @Override
    public String synopsis() {
        return "FILE [--preset P] [--requests N] [--prompt N] [--tokens N] [--layers N] [--hidden N]";
    }

    @Override
    public String summary() {
        return "write a synthetic capture shaped like a small decoder LM serving concurrent requests (FILE is created)";
    }

    @Override
    public Set<String> valued() {
        return Set.of("preset", "requests", "prompt", "tokens", "layers", "hidden");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws IOException, UsageException {
        Preset preset;
        try {
            preset = Preset.parse(args.value("preset", "balanced"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--preset: " + e.getMessage());
        }
        SyntheticCapture.Options o = new SyntheticCapture.Options(args.file(), preset,
                args.intValue("requests", 4, 1, 64), args.intValue("prompt", 16, 1, 4096),
                args.intValue("tokens", 48, 0, 100_000), args.intValue("layers", 6, 1, 256),
                args.intValue("hidden", 512, 8, 65_536));
        long t0 = System.nanoTime();
        CaptureStats.Snapshot s;
        try {
            s = SyntheticCapture.run(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing " + args.file());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        out.printf("wrote %s: %d tensors, %d tokens, %s source -> %s written (ratio %.2f, preset %s) in %.2f s%n",
                args.file(), s.tensorsWritten(), s.tokensWritten(), Fmt.bytes(s.bytesSource()), Fmt.bytes(s.bytesWritten()),
                s.compressionRatio(), preset.lowerName(), secs);
        out.printf("dropped %d, producer waits %d (%.1f ms); token sidecar %s%n", s.droppedTotal(), s.producerWaits(),
                s.producerWaitNanos() / 1e6, TokenSidecar.pathFor(args.file()));
        return ExitCode.OK;
    }
}
