package io.tokenpath.agent;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TorchScript through the tap: the test writes a TorchScript module itself ({@link TorchScriptFixture}, no Python
 * torch), the sample app runs it in another JVM through a DJL Predictor with the real agent jar and capture on,
 * and the stream reads back with the module's two outputs, per call, equal to what the app got and to the same
 * module run in this JVM, byte for byte. The layers inside the module are not Java blocks: only its outputs exist.
 */
class TorchScriptCaptureIT {
    private static final int ROWS = 3;
    private static final int RUNS = 2;

    @Test
    void torchScriptModuleOutputsAreCapturedPerCall() throws Exception {
        Path dir = Files.createTempDirectory("tp-torchscript");
        TorchScriptFixture fixture = new TorchScriptFixture(6, 16, 5, 0x75);
        Path modelDir = fixture.writeTo(dir.resolve("model"));
        float[] x = TorchScriptFixture.uniform(new SplittableRandom(7), ROWS * fixture.in);
        Path input = dir.resolve("x.bin");
        Files.write(input, TorchScriptFixture.littleEndian(x));
        Path appOutput = dir.resolve("out.bin");
        Path stream = dir.resolve("ts.stream");

        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.port=0,capture.output=" + stream + ",capture.preset=balanced,capture.outputs=all"));
        cmd.addAll(SampleService.DJL_FLAGS);
        cmd.addAll(List.of("-jar", SampleService.SAMPLES_JAR.toString(), "torchscript", "--model-dir", modelDir.toString(),
                "--name", TorchScriptFixture.NAME, "--input", input.toString(), "--shape", ROWS + "," + fixture.in,
                "--runs", String.valueOf(RUNS), "--output", appOutput.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("block ai.djl.pytorch.engine.PtSymbolBlock"), out);

        // Per request id: tensor name -> bytes; and the __request events.
        Map<Long, Map<String, byte[]>> byRequest = new TreeMap<>();
        Map<Long, Map<String, long[]>> shapes = new HashMap<>();
        List<Map<String, Object>> events = new ArrayList<>();
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) {
                if (f.kind() == FrameKind.REQUEST) events.add(f.json());
                if (f.kind() != FrameKind.TENSOR) continue;
                assertEquals(0, f.tensorHeader().step(), "a model call outside a generation is step 0");
                long id = f.tensorHeader().requestId();
                byRequest.computeIfAbsent(id, k -> new HashMap<>()).put(f.name(), f.decode().rawBytes());
                shapes.computeIfAbsent(id, k -> new HashMap<>()).put(f.name(), f.tensorHeader().shape());
            }
            assertTrue(r.end().isClean(), r.end().toString());
        }
        assertEquals(RUNS, byRequest.size(), "one capture request per Predictor call: " + byRequest.keySet());
        assertEquals(2 * RUNS, events.size(), "a start and an end event per call: " + events);
        for (Map<String, Object> e : events) {
            if ("start".equals(e.get("event"))) assertEquals("predict", e.get("search"), e.toString());
            if ("end".equals(e.get("event"))) {
                assertEquals("success", e.get("outcome"), e.toString());
                assertEquals(2L, ((Number) e.get("captured_frames")).longValue(), e.toString());
            }
        }

        // The same module, the same input, in this JVM.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        byte[] directY;
        byte[] directH;
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(modelDir)
                .optModelName(TorchScriptFixture.NAME).optEngine("PyTorch").build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel(); Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList o = predictor.predict(new NDList(model.getNDManager().create(x, new Shape(ROWS, fixture.in))));
            directY = o.get(0).toByteArray();
            directH = o.get(1).toByteArray();
        }
        byte[] app = Files.readAllBytes(appOutput);
        assertEquals(directY.length + directH.length, app.length);
        for (Map.Entry<Long, Map<String, byte[]>> e : byRequest.entrySet()) {
            Map<String, byte[]> t = e.getValue();
            assertEquals(java.util.Set.of("model", "model#1"), t.keySet(), "request " + e.getKey());
            assertArrayEquals(new long[] {ROWS, fixture.out}, shapes.get(e.getKey()).get("model"));
            assertArrayEquals(new long[] {ROWS, fixture.hidden}, shapes.get(e.getKey()).get("model#1"));
            assertArrayEquals(directY, t.get("model"), "captured y == the module's y computed here, byte for byte");
            assertArrayEquals(directH, t.get("model#1"), "captured h == the module's h computed here, byte for byte");
            assertArrayEquals(java.util.Arrays.copyOf(app, directY.length), t.get("model"), "captured y == what the app got");
        }

        // And the module is the function the test wrote (not, say, zeros everywhere).
        float[][] want = fixture.compute(x, ROWS);
        assertClose(want[0], TorchScriptFixture.floats(directY));
        assertClose(want[1], TorchScriptFixture.floats(directH));
        long positive = 0;
        for (float v : want[1]) if (v > 0) positive++;
        assertTrue(positive > 0 && positive < want[1].length, "relu leaves some hidden units on and some off: " + positive);
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "element " + i);
        }
    }
}
