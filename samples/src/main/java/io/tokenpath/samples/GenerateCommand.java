package io.tokenpath.samples;

import io.tokenpath.samples.cli.Flags;
import io.tokenpath.samples.load.PromptSet;
import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelConfig;
import io.tokenpath.samples.model.ModelRunner;
import io.tokenpath.samples.model.SearchMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * {@code generate}: runs one model in-process, with no HTTP in between, and prints the text and its speed. The
 * first runs are warm-up (JIT, allocator); the timed runs report tokens/s, TTFT and mean inter-token latency.
 */
public final class GenerateCommand {

    static final String USAGE = String.join("\n",
            "usage: generate [--model tiny] [--search greedy] [--prompt TEXT | --prompt-len 32] [--max-tokens 64]",
            "                [--warmup 2] [--runs 5]",
            "  --model       tiny | small",
            "  --search      greedy | beam | contrastive | loop",
            "  --prompt      prompt text; default: a deterministic prompt of --prompt-len bytes (= tokens)",
            "  --max-tokens  tokens to generate",
            "  --warmup      untimed runs first; --runs timed runs");

    private GenerateCommand() {}

    public static void main(String[] args) throws Exception {
        DjlDefaults.apply();
        Flags f;
        try {
            f = Flags.parse(args, Set.of("model", "search", "prompt", "prompt-len", "max-tokens", "warmup", "runs"));
        } catch (IllegalArgumentException e) {
            System.err.println("generate: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (f.help()) {
            System.out.println(USAGE);
            return;
        }
        ModelConfig config = ModelConfig.byName(f.string("model", "tiny"));
        SearchMode mode = SearchMode.parse(f.string("search", "greedy"));
        String prompt = f.has("prompt") ? f.string("prompt", "")
                : PromptSet.generate(1, f.integer("prompt-len", 32, 1), 0.0, 0).get(0);
        int maxTokens = f.integer("max-tokens", 64, 1);
        int warmup = f.integer("warmup", 2, 0);
        int runs = f.integer("runs", 5, 1);

        try (LanguageModel model = LanguageModel.load(config); ModelRunner runner = new ModelRunner(model)) {
            System.out.printf(Locale.ROOT, "model %s: %,d parameters, %d layers, hidden %d, %d heads, context %d%n",
                    config.name(), model.parameterCount(), config.layers(), config.hidden(), config.heads(),
                    config.context());
            for (int i = 0; i < warmup; i++) {
                runner.generate(prompt, maxTokens, mode, (id, index) -> {});
            }
            double[] tokensPerSecond = new double[runs];
            double[] ttft = new double[runs];
            double[] itl = new double[runs];
            double[] cpuPerToken = new double[runs];
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long[] tokens = null;
            for (int r = 0; r < runs; r++) {
                long[] stamps = new long[maxTokens];
                long cpuStart = cpu.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                tokens = runner.generate(prompt, maxTokens, mode, (id, index) -> stamps[index] = System.nanoTime());
                long end = System.nanoTime();
                cpuPerToken[r] = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6 / maxTokens;
                tokensPerSecond[r] = maxTokens / ((end - start) / 1e9);
                ttft[r] = (stamps[0] - start) / 1e6;
                itl[r] = maxTokens > 1 ? (stamps[maxTokens - 1] - stamps[0]) / 1e6 / (maxTokens - 1) : 0;
            }
            System.out.printf(Locale.ROOT, "search %s, prompt %d tokens, %d new tokens, %d timed runs%n",
                    mode.wireName(), ByteTokenizer.encode(prompt).length, maxTokens, runs);
            System.out.printf(Locale.ROOT, "output tokens/s: median %.1f (min %.1f, max %.1f)%n",
                    median(tokensPerSecond), min(tokensPerSecond), max(tokensPerSecond));
            System.out.printf(Locale.ROOT, "TTFT ms: median %.3f   mean ITL ms: median %.3f%s%n", median(ttft),
                    median(itl), mode.streamsPerToken() ? "" : "  (tokens arrive together at the end: not per token)");
            // With one PyTorch thread the ops run on this thread, so its CPU time is the work itself: a number that
            // stays meaningful when other processes compete for the cores (wall-clock figures then do not).
            System.out.printf(Locale.ROOT, "CPU ms per token (this thread): median %.3f%n", median(cpuPerToken));
            System.out.println("prompt: " + escape(prompt));
            System.out.println("text:   " + escape(ByteTokenizer.decode(tokens)));
            System.out.println("tokens: " + Arrays.toString(tokens));
        }
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                out.append(String.format(Locale.ROOT, "\\x%02x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
