package io.tokenpath.agent;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.*;

/** Model load time: a real DJL/PyTorch model saved and loaded back, with the agent attached, appears on /metrics. */
class ModelLoadIT {
    private static final String APP = String.join("\n",
            "import ai.djl.Model;",
            "import ai.djl.ndarray.types.DataType;",
            "import ai.djl.ndarray.types.Shape;",
            "import ai.djl.nn.core.Linear;",
            "import java.nio.file.*;",
            "public class LoadApp { public static void main(String[] a) throws Exception {",
            "  Path dir = Files.createTempDirectory(\"model\");",
            "  try (Model m = Model.newInstance(\"linear-probe\", \"PyTorch\")) {",
            "    Linear b = Linear.builder().setUnits(4).build(); m.setBlock(b);",
            "    b.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 8)); m.save(dir, \"linear-probe\"); }",
            "  try (Model m = Model.newInstance(\"linear-probe\", \"PyTorch\")) {",
            "    m.setBlock(Linear.builder().setUnits(4).build()); m.load(dir, \"linear-probe\"); }",
            "  String metrics = new String(new java.net.URL(\"http://127.0.0.1:\" + a[0] + \"/metrics\").openStream().readAllBytes());",
            "  metrics.lines().filter(l -> l.startsWith(\"tokenpath_model_load_duration_seconds_count\")).forEach(System.out::println);",
            "}}");

    @Test
    void loadingAModelIsTimed() throws Exception {
        String out = SampleService.runApp("LoadApp", APP, "", SampleService.samplesClassPath());
        String line = out.lines().filter(l -> l.startsWith("tokenpath_model_load_duration_seconds_count")).findFirst()
                .orElseThrow(() -> new AssertionError("no model load series:\n" + out));
        assertTrue(line.contains("gen_ai_request_model=\"linear-probe\"") && line.endsWith(" 1"), line);
    }
}
