package io.tokenpath.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Lossless capture means the bytes DJL produced: the sample model generates in another JVM with the tap on
 * (preset balanced: shuffle + LZ4), then this test rebuilds the same deterministic model in-process, runs the
 * same blocks on the same prompt, and compares the captured prefill outputs byte for byte.
 */
class CapturedEqualsComputedIT {
    private static final String PROMPT = "tokenpath compares bytes";

    @Test
    void capturedPrefillOutputsEqualTheSameBlocksComputedDirectly() throws Exception {
        Path stream = Files.createTempDirectory("tp-equal").resolve("eq.stream");
        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.port=0,capture.output=" + stream + ",capture.preset=balanced,capture.steps=prefill"));
        cmd.addAll(SampleService.DJL_FLAGS);
        cmd.addAll(List.of("-jar", SampleService.SAMPLES_JAR.toString(), "generate", "--model", "tiny", "--prompt", PROMPT,
                "--max-tokens", "4", "--warmup", "0", "--runs", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);

        Map<String, byte[]> captured = new HashMap<>();
        long request = -1;
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) {
                if (f.kind() != FrameKind.TENSOR || f.tensorHeader().step() != 0) continue;
                if (request < 0) request = f.tensorHeader().requestId();
                if (f.tensorHeader().requestId() == request) captured.put(f.name(), f.decode().rawBytes());
            }
        }
        assertTrue(captured.containsKey("01wte") && captured.containsKey("model"), captured.keySet().toString());

        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        try (LanguageModel model = LanguageModel.load(ModelConfig.TINY); NDManager m = model.newRequestManager()) {
            long[] ids = ByteTokenizer.encode(PROMPT);
            NDArray idArray = m.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length));
            ParameterStore ps = new ParameterStore(m, false);
            Block wte = model.block().getChildren().get("01wte");
            assertNotNull(wte, "block 01wte");
            byte[] embedding = wte.forward(ps, new NDList(idArray), false).singletonOrThrow().toByteArray();
            assertArrayEquals(embedding, captured.get("01wte"), "captured 01wte == wte(prompt ids), byte for byte");

            NDArray positions = m.arange(0, ids.length, 1, DataType.INT64).reshape(1, ids.length);
            NDArray mask = m.ones(new ai.djl.ndarray.types.Shape(1, ids.length), DataType.INT64);
            NDArray logits = model.block().forward(ps, new NDList(idArray, positions, mask), false).get(0);
            float[] want = logits.toFloatArray();
            float[] got = toFloats(captured.get("model"));
            assertEquals(want.length, got.length);
            double maxDiff = 0;
            for (int i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
            // Same ops, same weights, one thread: PyTorch on CPU gives the same logits to the last bit here.
            assertEquals(0.0, maxDiff, "captured logits == the whole model's forward on the prompt");
        }
    }

    private static float[] toFloats(byte[] b) {
        float[] f = new float[b.length / 4];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
