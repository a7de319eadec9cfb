package io.tokenpath.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.Arrays;

/**
 * Fills every parameter of an initialised block with values derived only from the model seed and the parameter's
 * path, GPT-2 style: LayerNorm gamma 1 and beta 0, biases 0, weights uniform with standard deviation 0.02 (residual
 * projections {@code c_proj} scaled by 1/sqrt(2 * layers)). DJL's initialisers draw from the engine's global random
 * state, which depends on thread and call order; this does not.
 */
public final class SeededWeights {

    private static final double STD = 0.02;

    private SeededWeights() {}

    /** Overwrites all parameters of {@code block}; returns the number of values written. */
    public static long apply(Block block, ModelConfig config) {
        long written = 0;
        for (Pair<String, Parameter> entry : block.getParameters()) {
            String path = entry.getKey();
            Parameter parameter = entry.getValue();
            NDArray array = parameter.getArray();
            long size = array.size();
            if (size > Integer.MAX_VALUE) {
                throw new IllegalStateException("parameter " + path + " has " + size + " values, too many for one array");
            }
            float[] values = new float[(int) size];
            switch (parameter.getType()) {
                case GAMMA -> Arrays.fill(values, 1f);
                case BETA, BIAS -> Arrays.fill(values, 0f);
                case WEIGHT -> fillUniform(values, config.seed() ^ SplitMix64.hash(path), stdFor(path, config));
                default -> throw new IllegalStateException(
                        "parameter " + path + " has type " + parameter.getType() + ", which this model does not use");
            }
            array.set(values);
            written += size;
        }
        return written;
    }

    private static double stdFor(String path, ModelConfig config) {
        return path.contains("c_proj") ? STD / Math.sqrt(2.0 * config.layers()) : STD;
    }

    /** Uniform on [-a, a] has standard deviation a / sqrt(3). */
    private static void fillUniform(float[] values, long seed, double std) {
        SplitMix64 random = new SplitMix64(seed);
        float a = (float) (std * Math.sqrt(3.0));
        for (int i = 0; i < values.length; i++) {
            values[i] = (2f * random.nextFloat() - 1f) * a;
        }
    }
}
