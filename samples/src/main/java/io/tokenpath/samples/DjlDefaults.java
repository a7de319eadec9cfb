package io.tokenpath.samples;

/**
 * Run settings every sample JVM needs before DJL's first class loads: offline (0.35.1's natives are in the jar, and
 * without this DJL may try to download), no usage tracking (otherwise engine start-up probes the EC2 metadata
 * address with 1 s timeouts), and one PyTorch thread per calling thread. The sample models' ops are tiny: splitting
 * them across OpenMP threads costs more in synchronisation than it saves, and on a busy 2-core machine spinning
 * OpenMP workers made greedy decoding 3-6x slower than one thread. Parallelism comes from {@code --workers}
 * instead. A value the user set, as {@code -D} or in the environment, wins.
 */
public final class DjlDefaults {

    private DjlDefaults() {}

    public static void apply() {
        setUnlessGiven("ai.djl.offline", "DJL_OFFLINE", "true");
        setUnlessGiven("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
        setUnlessGiven("ai.djl.pytorch.num_threads", "OMP_NUM_THREADS", "1");
        setUnlessGiven("ai.djl.pytorch.num_interop_threads", "OMP_NUM_THREADS", "1");
    }

    private static void setUnlessGiven(String property, String env, String value) {
        if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, value);
        }
    }
}
