package io.tokenpath.samples;

import io.tokenpath.samples.load.LoadGenerator;
import io.tokenpath.samples.server.SampleServer;
import io.tokenpath.samples.torchscript.TorchScriptCommand;

import java.util.Arrays;

/** Entry point of {@code tokenpath-samples.jar}: {@code server}, {@code load}, {@code generate}, {@code torchscript} or {@code tokenizer}. */
public final class Main {

    private static final String USAGE = String.join("\n",
            "usage: java -jar tokenpath-samples.jar <command> [flags]",
            "  server    OpenAI-compatible completions server over the DJL/PyTorch sample models",
            "  load      streaming load generator (client-side TTFT, ITL, TPOT, e2e, throughput)",
            "  generate  run the model in-process once and print the text and its speed",
            "  torchscript  run a TorchScript module through a DJL Predictor (outside text generation)",
            "  tokenizer FILE  write the sample models' tokenizer.json (for the agent's capture.tokenizer)",
            "  <command> --help shows that command's flags");

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "server" -> SampleServer.main(rest);
            case "load" -> LoadGenerator.main(rest);
            case "generate" -> GenerateCommand.main(rest);
            case "torchscript" -> TorchScriptCommand.main(rest);
            case "tokenizer" -> io.tokenpath.samples.model.TokenizerJson.main(rest);
            default -> {
                System.err.println("unknown command '" + args[0] + "'");
                System.err.println(USAGE);
                System.exit(2);
            }
        }
    }
}
