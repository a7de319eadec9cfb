import io.tokenpath.samples.DjlDefaults;
import io.tokenpath.samples.load.PromptSet;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelConfig;
import io.tokenpath.samples.model.ModelRunner;
import io.tokenpath.samples.model.SearchMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The agent's cost measured inside one JVM, where a noisy VM cannot hide it: generations alternate between two
 * states of the same process, so both see the same machine speed, and an A/A control run the same way shows what
 * the method can resolve. Run with the agent attached and the samples jar on the class path:
 *
 * <pre>
 * java -javaagent:tokenpath-agent.jar=metrics.port=... -cp tokenpath-samples.jar bench/paired/Paired.java hooks MODEL QUADS [WARM]
 * java -javaagent:tokenpath-agent.jar=...,capture.output=F,capture.sample_requests=2 -cp tokenpath-samples.jar \
 *     bench/paired/Paired.java capture MODEL PAIRS F
 * </pre>
 *
 * <p>{@code hooks}: the agent's hooks installed vs the no-op hooks it runs with before start-up
 * (io.tokenpath.agent.bootstrap.Bridge, on the boot class path once the agent is attached), in ABBA / BAAB quads,
 * so both states come equally often right after a switch. The "without" state still runs the woven advice calling
 * no-op hooks (about 1 ns per call, JMH), so the ratio leaves out at most (bridge calls per token x 1 ns). Prints
 * "PAIRED model=... ratio=...".
 *
 * <p>{@code capture}: one capture runs the whole time and records every second request
 * ({@code capture.sample_requests=2}), so captured and uncaptured generations alternate; each captured one is
 * compared with the mean of its two neighbours (which cancels a linear drift). After every generation the bench
 * pauses, untimed, so the encoders and the writer finish that request's frames before the next starts: the ratio
 * is what capturing a request costs that request, with the capture threads' CPU on the machine's other cores
 * reported beside it. The A/A control repeats the pattern after the capture is stopped. Prints
 * "PAIRED_CAPTURE model=... ratio=...".
 */
public class Paired {
    static final int MAX_TOKENS = 64;
    static final long GAP_MILLIS = 30;

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !(args[0].equals("hooks") || args[0].equals("capture"))) {
            throw new IllegalArgumentException("usage: Paired.java hooks MODEL QUADS [WARM] | capture MODEL PAIRS STREAM_FILE");
        }
        DjlDefaults.apply();
        String modelName = args.length > 1 ? args[1] : "tiny";
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String prompt = PromptSet.generate(1, 32, 0.0, 0).get(0);
        try (LanguageModel model = LanguageModel.load(ModelConfig.byName(modelName));
             ModelRunner runner = new ModelRunner(model)) {
            Generation g = new Generation(runner, prompt);
            if (args[0].equals("hooks")) {
                hooks(g, modelName, n, args.length > 3 ? Integer.parseInt(args[3]) : 0);
            } else {
                if (args.length < 4) throw new IllegalArgumentException("capture needs the capture.output file");
                capture(g, modelName, n, Path.of(args[3]));
            }
        }
    }

    /** One greedy generation of MAX_TOKENS, timed: wall and the generating thread's CPU. */
    static final class Generation {
        final ModelRunner runner;
        final String prompt;
        final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

        Generation(ModelRunner runner, String prompt) {
            this.runner = runner;
            this.prompt = prompt;
        }

        /** {wall ns, thread CPU ns}. */
        long[] run() throws Exception {
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            runner.generate(prompt, MAX_TOKENS, SearchMode.GREEDY, (id, index) -> {});
            return new long[] {System.nanoTime() - t0, cpu.getCurrentThreadCpuTime() - c0};
        }
    }

    static void hooks(Generation g, String modelName, int quads, int warm) throws Exception {
        Class<?> bridge = Class.forName("io.tokenpath.agent.bootstrap.Bridge", true, null);
        Class<?> hooksType = Class.forName("io.tokenpath.agent.bootstrap.Hooks", true, null);
        Method install = bridge.getMethod("install", hooksType);
        Object agentHooks = bridge.getMethod("hooks").invoke(null);
        if (agentHooks.getClass().getSimpleName().equals("NoopHooks")) {
            throw new IllegalStateException("the agent's hooks are not installed: run with -javaagent (metrics on)");
        }
        // Steady state: the per-request hooks run once per request, so a JVM's first few hundred requests run them
        // interpreted or in C1 (measured on the tiny model: ~300 us per request start + end, ~28 us once compiled;
        // paired ratio median 0.985 without a warm-up, 0.991 after 3,000 requests, five runs each). WARM one-token
        // requests with the hooks first compile them as a long-running service has; 0 measures a fresh JVM's first
        // requests.
        install.invoke(null, agentHooks);
        long w0 = System.nanoTime();
        for (int i = 0; i < warm; i++) g.runner.generate(g.prompt, 1, SearchMode.GREEDY, (id, index) -> {});
        if (warm > 0) System.out.printf(Locale.ROOT, "warm-up: %d one-token requests with the hooks in %.1f s%n", warm, (System.nanoTime() - w0) / 1e9);
        for (int i = 0; i < 10; i++) { // warm-up with both, so the JIT sees both kinds of hooks
            install.invoke(null, i % 2 == 0 ? agentHooks : null);
            g.run();
        }
        double[] ratio = new double[quads];
        double[] aa = new double[quads];
        double[] cpuRatio = new double[quads];
        for (int p = 0; p < quads; p++) {
            // ABBA, then BAAB: each state runs as often right after a switch as the other, so whatever a switch
            // costs (caches, the JIT's type profile) falls on both equally.
            boolean onFirst = p % 2 == 0;
            long[] on = {0, 0}, off = {0, 0};
            for (int k = 0; k < 4; k++) {
                boolean withAgent = (k == 0 || k == 3) == onFirst;
                install.invoke(null, withAgent ? agentHooks : null);
                long[] t = g.run();
                long[] sum = withAgent ? on : off;
                sum[0] += t[0];
                sum[1] += t[1];
            }
            long[] a = {0}, b = {0};
            for (int k = 0; k < 4; k++) { // the A/A control: the same pattern with no hooks in either state
                install.invoke(null, (Object) null);
                (k == 0 || k == 3 ? a : b)[0] += g.run()[0];
            }
            ratio[p] = (double) off[0] / on[0]; // tokens/s on / off = wall off / wall on
            cpuRatio[p] = (double) off[1] / on[1];
            aa[p] = onFirst ? (double) b[0] / a[0] : (double) a[0] / b[0];
        }
        install.invoke(null, agentHooks);
        System.out.printf(Locale.ROOT, "%s: %d ABBA quads of %d-token greedy generations%n", modelName, quads, MAX_TOKENS);
        Stats.report("tokens/s with hooks / without", ratio, "thread CPU without / with hooks", cpuRatio, aa);
        System.out.printf(Locale.ROOT, "PAIRED model=%s quads=%d warm=%d ratio=%.4f ratio_ci=%s cpu_ratio=%.4f aa_ratio=%.4f"
                + " aa_ci=%s%n", modelName, quads, warm, Stats.median(ratio), Stats.interval(ratio), Stats.median(cpuRatio),
                Stats.median(aa), Stats.interval(aa));
    }

    static void capture(Generation g, String modelName, int pairs, Path stream) throws Exception {
        if (!Files.exists(stream)) {
            throw new IllegalStateException(stream + " does not exist: run with capture.output=" + stream
                    + ",capture.sample_requests=2");
        }
        for (int i = 0; i < 10; i++) {
            g.run();
            gap();
        }
        // Which of two consecutive generations the capture records: the one after which the stream grows.
        long s0 = settledSize(stream);
        g.run();
        gap();
        long s1 = settledSize(stream);
        g.run();
        gap();
        long s2 = settledSize(stream);
        boolean nextIsCaptured = s1 - s0 > s2 - s1; // the generation after these two has the parity of the first
        if (Math.max(s1 - s0, s2 - s1) < 64 * 1024) {
            throw new IllegalStateException("the stream grew by " + (s1 - s0) + " and " + (s2 - s1)
                    + " bytes over two generations: is capture.sample_requests=2 set and the capture running?");
        }
        long captureCpu0 = captureThreadsCpu();
        double[][] run = alternate(g, 2 * pairs + 1);
        long captureCpu = captureThreadsCpu() - captureCpu0;
        long streamGrowth = settledSize(stream) - s2;
        double[] ratio = neighbourRatios(run[0], nextIsCaptured);
        double[] cpuRatio = neighbourRatios(run[1], nextIsCaptured);
        if (!stop()) throw new IllegalStateException("Tokenpath.stopCapture() found no capture to stop");
        double[][] control = alternate(g, 2 * pairs + 1);
        double[] aa = neighbourRatios(control[0], nextIsCaptured);
        double captured = pairs + (nextIsCaptured ? 1 : 0);
        double usPerToken = captureCpu / 1e3 / (captured * MAX_TOKENS);
        System.out.printf(Locale.ROOT, "%s: %d captured and %d uncaptured %d-token greedy generations, alternating, %d ms"
                + " apart; the stream grew %.1f MB%n", modelName, (int) captured, 2 * pairs + 1 - (int) captured,
                MAX_TOKENS, GAP_MILLIS, streamGrowth / 1e6);
        Stats.report("tokens/s captured / uncaptured", ratio, "generating thread CPU uncaptured / captured", cpuRatio, aa);
        System.out.printf(Locale.ROOT, "capture threads (encoders, writer): %.1f us CPU per captured token%n", usPerToken);
        System.out.printf(Locale.ROOT, "PAIRED_CAPTURE model=%s pairs=%d ratio=%.4f ratio_ci=%s cpu_ratio=%.4f"
                + " aa_ratio=%.4f aa_ci=%s capture_threads_us_per_token=%.1f%n", modelName, pairs, Stats.median(ratio),
                Stats.interval(ratio), Stats.median(cpuRatio), Stats.median(aa), Stats.interval(aa), usPerToken);
    }

    /** {wall ns[], CPU ns[]} of {@code count} generations, each followed by an untimed pause. */
    private static double[][] alternate(Generation g, int count) throws Exception {
        double[][] r = new double[2][count];
        for (int i = 0; i < count; i++) {
            long[] t = g.run();
            r[0][i] = t[0];
            r[1][i] = t[1];
            gap();
        }
        return r;
    }

    /**
     * For each generation at an even index when {@code firstIsCaptured} (odd otherwise) with a neighbour on both
     * sides: the mean of the neighbours' times over its own, i.e. its tokens/s relative to theirs.
     */
    private static double[] neighbourRatios(double[] times, boolean firstIsCaptured) {
        int first = firstIsCaptured ? 2 : 1;
        double[] r = new double[(times.length - 1 - first) / 2 + 1];
        int n = 0;
        for (int i = first; i < times.length - 1; i += 2) r[n++] = (times[i - 1] + times[i + 1]) / 2 / times[i];
        return Arrays.copyOf(r, n);
    }

    private static void gap() throws InterruptedException {
        Thread.sleep(GAP_MILLIS);
    }

    /** The stream's size once the writer has caught up (it lingers a few ms after a batch). */
    private static long settledSize(Path stream) throws Exception {
        long size = -1;
        for (int i = 0; i < 50; i++) {
            Thread.sleep(40);
            long now = Files.size(stream);
            if (now == size) return now;
            size = now;
        }
        return size;
    }

    private static long captureThreadsCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tokenpath-encoder-") || t.getName().equals("tokenpath-writer")) {
                long c = mx.getThreadCpuTime(t.getId());
                if (c > 0) sum += c;
            }
        }
        return sum;
    }

    private static boolean stop() throws Exception {
        return (boolean) Class.forName("io.tokenpath.api.Tokenpath").getMethod("stopCapture").invoke(null);
    }

    /** Medians, quartiles and a bootstrap interval of the median. */
    static final class Stats {
        static void report(String ratioName, double[] ratio, String cpuName, double[] cpuRatio, double[] aa) {
            System.out.printf(Locale.ROOT, "%s: median %.4f (quartiles %.4f-%.4f; 95%% interval of the median %s)%n",
                    ratioName, median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75), interval(ratio));
            System.out.printf(Locale.ROOT, "%s: median %.4f (quartiles %.4f-%.4f)%n", cpuName, median(cpuRatio),
                    quantile(cpuRatio, 0.25), quantile(cpuRatio, 0.75));
            System.out.printf(Locale.ROOT, "A/A control (the same pattern, one state): median %.4f (quartiles %.4f-%.4f;"
                    + " 95%% interval of the median %s)%n", median(aa), quantile(aa, 0.25), quantile(aa, 0.75), interval(aa));
        }

        /** A 95 % bootstrap interval of the median (2,000 resamples, fixed seed), as "low-high". */
        static String interval(double[] v) {
            Random rnd = new Random(42);
            double[] medians = new double[2000];
            double[] sample = new double[v.length];
            for (int i = 0; i < medians.length; i++) {
                for (int j = 0; j < v.length; j++) sample[j] = v[rnd.nextInt(v.length)];
                medians[i] = median(sample);
            }
            return String.format(Locale.ROOT, "%.4f-%.4f", quantile(medians, 0.025), quantile(medians, 0.975));
        }

        static double median(double[] v) {
            return quantile(v, 0.5);
        }

        static double quantile(double[] v, double q) {
            double[] s = v.clone();
            Arrays.sort(s);
            double pos = q * (s.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = (int) Math.ceil(pos);
            return s[lo] + (s[hi] - s[lo]) * (pos - lo);
        }
    }
}
