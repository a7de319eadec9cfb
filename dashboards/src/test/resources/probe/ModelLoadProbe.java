import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by DashboardsIT as a single-file program with the agent attached: saves a small real PyTorch model and
 * loads it back through Model.load (what the agent times as tokenpath_model_load_duration_seconds; the sample
 * service builds its model in code and never calls it), then opens /dev/nvidiactl the way a CUDA runtime's
 * first call does (on a machine without an NVIDIA driver the open fails, and the helper counts it with result
 * error), prints READY and stays up to be scraped until stdin closes.
 */
public class ModelLoadProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tokenpath-probe-model");
        try (Model m = Model.newInstance("probe-linear", "PyTorch")) {
            Linear block = Linear.builder().setUnits(64).build();
            m.setBlock(block);
            block.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 256));
            m.save(dir, "probe-linear");
        }
        try (Model m = Model.newInstance("probe-linear", "PyTorch")) {
            m.setBlock(Linear.builder().setUnits(64).build());
            m.load(dir, "probe-linear");
        }
        String device = "/dev/nvidiactl";
        String opened;
        try (FileInputStream in = new FileInputStream(device)) {
            opened = "opened " + device;
        } catch (IOException e) {
            opened = device + " not opened: " + e.getMessage();
        }
        System.out.println("READY model loaded; " + opened);
        System.out.flush();
        while (System.in.read() >= 0) {
            // stay up until the test closes stdin or ends the process
        }
    }
}
