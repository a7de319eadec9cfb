package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;

import java.nio.file.Path;

/**
 * A separate JVM for {@link CrashResumeTest}: captures deterministic tensors and tokens forever, with a checkpoint
 * every few tokens, until the test kills it with SIGKILL.
 */
public final class CrashChild {
    static final String[] LAYERS = {"00embed", "01h0/01attn", "01h0/02mlp"};

    /** The value every test side can recompute: element i of layer l at (request, step). */
    static float value(long request, int step, int layer, int i) {
        return (float) Math.sin(request * 131 + step * 17 + layer * 7 + i * 0.01);
    }

    static int tokenId(long request, int step) {
        return (int) ((request * 31 + step) % 256);
    }

    static long[] shape(int step) {
        return new long[] {1, step == 0 ? 8 : 1, 64};
    }

    static float[] tensor(long request, int step, int layer) {
        long[] s = shape(step);
        float[] v = new float[(int) (s[1] * s[2])];
        for (int i = 0; i < v.length; i++) v[i] = value(request, step, layer, i);
        return v;
    }

    public static void main(String[] args) throws Exception {
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(Path.of(args[0]))
                .checkpointEveryTokens(Integer.parseInt(args[1])).maxMemory(32L << 20).maxTensor(1L << 20).build();
        ActivationCapture cap = ActivationCapture.open(cfg);
        System.out.println("started");
        System.out.flush();
        for (long r = 0; ; r++) {
            for (int step = 0; step < 32; step++) {
                for (int l = 0; l < LAYERS.length; l++) {
                    cap.captureTensor(LAYERS[l], shape(step), r, step, tensor(r, step, l));
                }
                cap.recordToken(r, step, tokenId(r, step), "tok" + tokenId(r, step), step == 31);
                Thread.sleep(1);
            }
        }
    }
}
