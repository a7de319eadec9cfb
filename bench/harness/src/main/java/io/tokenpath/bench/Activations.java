package io.tokenpath.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Synthetic activation data, deterministic for a seed. Two uses:
 *
 * <ul>
 *   <li>{@link #hiddenPool} / {@link #geluPool}: a structured pool of rows of width {@code hidden}, generated once and
 *       sliced by the capture-writer benchmark (no per-tensor generation cost in the timed loop). Rows look like a
 *       transformer residual stream: per-channel log-normal scale and a small bias, per-token scale, and a few
 *       "massive activation" channels 20x larger than the rest.</li>
 *   <li>{@link Distribution}: four i.i.d. unit-scale distributions for the compression benchmark.</li>
 * </ul>
 *
 * All values are full float32 (no mantissa bits zeroed, as a bf16 model upcast to fp32 would have): that is the
 * conservative case for lossless codecs.
 */
final class Activations {
    private Activations() {}

    /** Number of channels that get the large scale in the structured pool (Llama-like "massive activations"). */
    static final int OUTLIER_CHANNELS = 4;

    /** Gaussian sampler: Marsaglia's polar method over a SplittableRandom, second value cached. */
    static final class Gauss {
        private final SplittableRandom rnd;
        private double spare;
        private boolean hasSpare;

        Gauss(long seed) {
            rnd = new SplittableRandom(seed);
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u;
            double v;
            double s;
            do {
                u = 2 * rnd.nextDouble() - 1;
                v = 2 * rnd.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double m = Math.sqrt(-2 * Math.log(s) / s);
            spare = v * m;
            hasSpare = true;
            return u * m;
        }

        int nextInt(int bound) {
            return rnd.nextInt(bound);
        }
    }

    /** tanh approximation of GELU, as used by GPT-2 style MLPs. */
    static float gelu(double x) {
        return (float) (0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))));
    }

    /** {@code rows x hidden} float32, little-endian, direct: a residual-stream-like pool. */
    static ByteBuffer hiddenPool(int rows, int hidden, long seed) {
        return pool(rows, hidden, seed, false);
    }

    /** As {@link #hiddenPool}, passed through GELU (an MLP activation output: skewed, many near-zero values). */
    static ByteBuffer geluPool(int rows, int hidden, long seed) {
        return pool(rows, hidden, seed, true);
    }

    private static ByteBuffer pool(int rows, int hidden, long seed, boolean gelu) {
        Gauss g = new Gauss(seed);
        float[] chScale = new float[hidden];
        float[] chBias = new float[hidden];
        for (int c = 0; c < hidden; c++) {
            chScale[c] = (float) Math.exp(0.4 * g.next());
            chBias[c] = (float) (0.1 * g.next());
        }
        for (int k = 0; k < OUTLIER_CHANNELS; k++) chScale[g.nextInt(hidden)] *= 20f;
        ByteBuffer b = ByteBuffer.allocateDirect(rows * hidden * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = b.asFloatBuffer();
        float[] row = new float[hidden];
        for (int r = 0; r < rows; r++) {
            double tokenScale = Math.exp(0.2 * g.next());
            for (int c = 0; c < hidden; c++) {
                double x = tokenScale * (chScale[c] * g.next() + chBias[c]);
                row[c] = gelu ? gelu(x) : (float) x;
            }
            f.put(row);
        }
        return b;
    }

    /** The four distributions of the compression benchmark, each of unit scale before its shaping. */
    enum Distribution {
        /** N(0, 1). */
        GAUSSIAN("gaussian"),
        /** N(0, 1) with 4 of every 4096 channels (0.1 % of values) scaled 50x: LLM outlier features. */
        HEAVY("heavy"),
        /** gelu(N(0, 1)). */
        GELU("gelu"),
        /** max(0, N(0, 1)): about half exact zeros. */
        RELU("relu");

        final String label;

        Distribution(String label) {
            this.label = label;
        }

        /** {@code n} values, row width {@code hidden} (the outlier channels of HEAVY are fixed per column). */
        float[] generate(int n, int hidden, long seed) {
            Gauss g = new Gauss(seed);
            boolean[] outlier = new boolean[hidden];
            if (this == HEAVY) {
                int marked = 0;
                int want = Math.max(1, hidden / 1024);
                while (marked < want) {
                    int c = g.nextInt(hidden);
                    if (!outlier[c]) {
                        outlier[c] = true;
                        marked++;
                    }
                }
            }
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                double x = g.next();
                switch (this) {
                    case GAUSSIAN: out[i] = (float) x; break;
                    case HEAVY: out[i] = (float) (outlier[i % hidden] ? 50 * x : x); break;
                    case GELU: out[i] = gelu(x); break;
                    default: out[i] = x > 0 ? (float) x : 0f;
                }
            }
            return out;
        }
    }
}
