package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.OverflowPolicy;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;

import java.nio.file.Path;
import java.util.Random;

/**
 * A separate JVM for {@link DirectMemoryLimitTest}, started with a direct memory limit below the capture's budget:
 * 40 tensors of 1 MiB through a slow codec (zstd 19 on noise), policy block, then close; prints the counts.
 */
public final class DirectMemoryLimitChild {
    static final int TENSORS = 40;
    static final int FLOATS = 1 << 18; // 1 MiB

    public static void main(String[] args) throws Exception {
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(Path.of(args[0])).codec(Codec.ZSTD)
                .zstdLevel(19).threads(1).maxMemory(64L << 20).maxTensor(FLOATS * 4L)
                .policy(OverflowPolicy.BLOCK).build();
        Random rnd = new Random(3);
        float[] v = new float[FLOATS];
        try (ActivationCapture cap = ActivationCapture.open(cfg, msg -> System.out.println("log: " + msg))) {
            for (int i = 0; i < TENSORS; i++) {
                for (int k = 0; k < v.length; k++) v[k] = rnd.nextFloat();
                if (!cap.captureTensor("layer", new long[] {1, FLOATS}, 1, i, v)) System.out.println("not queued " + i);
            }
            cap.close();
            CaptureStats.Snapshot s = cap.stats();
            System.out.println("written " + s.tensorsWritten() + " dropped " + s.droppedTotal() + " allocated "
                    + s.ringAllocatedBytes() + " capacity " + s.ringCapacity());
        }
    }
}
