package io.tokenpath.capture.read;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small real streams, written by the real pipeline, for the corruption tests. */
final class SampleStreams {
    private SampleStreams() {}

    static byte[] write(Path file, Codec codec, boolean shuffle, Transform t, long seed) throws IOException {
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(file).codec(codec).shuffle(shuffle)
                .transform(t).maxMemory(16L << 20).maxTensor(1L << 20).sidecar(false).build();
        Random rnd = new Random(seed);
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            cap.recordRequestEvent(Json.map("event", "start", "request_id", 1L, "model", "tiny"));
            for (int step = 0; step < 4; step++) {
                for (String layer : new String[] {"00embed", "01h0/01attn", "01h0/02mlp"}) {
                    float[] v = new float[step == 0 ? 96 : 32];
                    for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 0 : 1));
                    cap.captureTensor(layer, new long[] {1, v.length / 32, 32}, 1, step, v);
                }
                cap.recordToken(1, step, 40 + step, "t\u00e9" + step, step == 3);
            }
        }
        return Files.readAllBytes(file);
    }
}
