package io.tokenpath.bench;

import java.util.Arrays;

/**
 * Entry point of tokenpath-bench.jar: {@code java -jar tokenpath-bench.jar <benchmark> [--key value ...]}.
 * Each benchmark prints its table and ends with exactly one {@code RESULT <name> key=value ...} line.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        Args a = Args.parse(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "capture-writer": CaptureWriterBench.run(a); break;
            case "compression": CompressionBench.run(a); break;
            case "encoder-stages": EncoderStagesBench.run(a); break;
            default:
                System.err.println("unknown benchmark '" + args[0] + "'");
                usage();
                System.exit(2);
        }
    }

    private static void usage() {
        System.err.println("usage: java -jar tokenpath-bench.jar <benchmark> [--key value ...]\n"
                + "  capture-writer  --dir DIR [--bytes 4g] [--compressed-bytes 2g] [--modes a,b,..] [--dd true]\n"
                + "                  sustained input throughput of ActivationCapture per codec vs dd on DIR's disk\n"
                + "  compression     [--tensors 8] [--dir DIR]\n"
                + "                  ratio and read-back error per codec/transform on four synthetic distributions\n"
                + "  encoder-stages  [--seconds 1.0]\n"
                + "                  single-thread MB/s of each PayloadEncoder stage on a 2 MiB activation tensor");
    }
}
