import io.tokenpath.samples.DjlDefaults;
import io.tokenpath.samples.load.PromptSet;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelConfig;
import io.tokenpath.samples.model.ModelRunner;
import io.tokenpath.samples.model.SearchMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;

/**
 * The agent's per-token cost measured inside one JVM, where a noisy VM cannot hide it: generations alternate between
 * the agent's hooks installed and the no-op hooks it runs with before start-up (io.tokenpath.agent.bootstrap.Bridge,
 * on the boot class path once the agent is attached), in ABBA / BAAB quads, so both states see the same machine
 * speed and come equally often right after a switch. Also an A/A control (no-op hooks in both states, the same
 * pattern) that shows what the method can resolve. What the "without" state still runs: the woven advice calling
 * no-op hooks (about 1 ns per call, JMH), so the ratio leaves out at most (bridge calls per token x 1 ns).
 *
 * Run: java -javaagent:tokenpath-agent.jar=metrics.port=... -cp tokenpath-samples.jar bench/paired/HooksToggle.java
 * MODEL QUADS. Prints medians with quartiles and a bootstrap interval, and one line "PAIRED model=... ratio=...".
 */
public class HooksToggle {
    public static void main(String[] args) throws Exception {
        DjlDefaults.apply();
        String modelName = args.length > 0 ? args[0] : "tiny";
        int quads = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int maxTokens = 64;
        Class<?> bridge = Class.forName("io.tokenpath.agent.bootstrap.Bridge", true, null);
        Class<?> hooksType = Class.forName("io.tokenpath.agent.bootstrap.Hooks", true, null);
        Method install = bridge.getMethod("install", hooksType);
        Object agentHooks = bridge.getMethod("hooks").invoke(null);
        if (agentHooks.getClass().getSimpleName().equals("NoopHooks")) {
            throw new IllegalStateException("the agent's hooks are not installed: run with -javaagent (metrics on)");
        }
        String prompt = PromptSet.generate(1, 32, 0.0, 0).get(0);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (LanguageModel model = LanguageModel.load(ModelConfig.byName(modelName));
             ModelRunner runner = new ModelRunner(model)) {
            for (int i = 0; i < 10; i++) { // warm-up with both, so the JIT sees both kinds of hooks
                install.invoke(null, i % 2 == 0 ? agentHooks : null);
                runner.generate(prompt, maxTokens, SearchMode.GREEDY, (id, index) -> {});
            }
            double[] ratio = new double[quads];
            double[] aa = new double[quads];
            double[] cpuRatio = new double[quads];
            for (int p = 0; p < quads; p++) {
                // ABBA, then BAAB: each state runs as often right after a switch as the other, so whatever a
                // switch costs (caches, the JIT's type profile) falls on both equally.
                boolean onFirst = p % 2 == 0;
                long[] on = {0, 0}, off = {0, 0};
                for (int k = 0; k < 4; k++) {
                    boolean withAgent = (k == 0 || k == 3) == onFirst;
                    install.invoke(null, withAgent ? agentHooks : null);
                    long[] t = timed(runner, prompt, maxTokens, cpu);
                    long[] sum = withAgent ? on : off;
                    sum[0] += t[0];
                    sum[1] += t[1];
                }
                long[] a = {0}, b = {0};
                for (int k = 0; k < 4; k++) { // the A/A control: the same pattern with no hooks in either state
                    install.invoke(null, (Object) null);
                    (k == 0 || k == 3 ? a : b)[0] += timed(runner, prompt, maxTokens, cpu)[0];
                }
                ratio[p] = (double) off[0] / on[0]; // tokens/s on / off = wall off / wall on
                cpuRatio[p] = (double) off[1] / on[1];
                aa[p] = onFirst ? (double) b[0] / a[0] : (double) a[0] / b[0];
            }
            install.invoke(null, agentHooks);
            System.out.printf(Locale.ROOT, "%s: %d ABBA quads of %d-token greedy generations%n", modelName, quads, maxTokens);
            double[] ci = bootstrapMedianInterval(ratio);
            double[] aaCi = bootstrapMedianInterval(aa);
            System.out.printf(Locale.ROOT, "tokens/s with hooks / without: median %.4f (quartiles %.4f-%.4f; 95%% interval"
                    + " of the median %.4f-%.4f)%n", median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75), ci[0], ci[1]);
            System.out.printf(Locale.ROOT, "thread CPU without / with hooks: median %.4f (quartiles %.4f-%.4f)%n",
                    median(cpuRatio), quantile(cpuRatio, 0.25), quantile(cpuRatio, 0.75));
            System.out.printf(Locale.ROOT, "A/A control (no hooks both halves): median %.4f (quartiles %.4f-%.4f; 95%%"
                    + " interval of the median %.4f-%.4f)%n", median(aa), quantile(aa, 0.25), quantile(aa, 0.75), aaCi[0], aaCi[1]);
            System.out.printf(Locale.ROOT, "PAIRED model=%s quads=%d ratio=%.4f ratio_ci=%.4f-%.4f cpu_ratio=%.4f aa_ratio=%.4f"
                    + " aa_ci=%.4f-%.4f%n", modelName, quads, median(ratio), ci[0], ci[1], median(cpuRatio), median(aa),
                    aaCi[0], aaCi[1]);
        }
    }

    /** {wall ns, thread CPU ns} of one generation. */
    private static long[] timed(ModelRunner runner, String prompt, int maxTokens, ThreadMXBean cpu) throws Exception {
        long c0 = cpu.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        runner.generate(prompt, maxTokens, SearchMode.GREEDY, (id, index) -> {});
        return new long[] {System.nanoTime() - t0, cpu.getCurrentThreadCpuTime() - c0};
    }

    /** A 95 % bootstrap interval of the median (2,000 resamples, fixed seed). */
    private static double[] bootstrapMedianInterval(double[] v) {
        java.util.Random rnd = new java.util.Random(42);
        double[] medians = new double[2000];
        double[] sample = new double[v.length];
        for (int i = 0; i < medians.length; i++) {
            for (int j = 0; j < v.length; j++) sample[j] = v[rnd.nextInt(v.length)];
            medians[i] = median(sample);
        }
        return new double[] {quantile(medians, 0.025), quantile(medians, 0.975)};
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
