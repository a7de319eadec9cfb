package io.tokenpath.samples.torchscript;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.tokenpath.samples.DjlDefaults;
import io.tokenpath.samples.cli.Flags;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code torchscript}: loads a TorchScript module ({@code <model-dir>/<name>.pt}) through DJL's PyTorch engine, as
 * a DJL service serving a traced model does, and runs it through a {@code Predictor<NDList, NDList>} on one float32
 * input. Outside any text generation: this is the shape of an embedding or classification service, and the agent's
 * activation tap sees the module as one block (a {@code PtSymbolBlock}) whose outputs it can capture.
 */
public final class TorchScriptCommand {

    static final String USAGE = String.join("\n",
            "usage: torchscript --model-dir DIR --name NAME --input FILE --shape 3,6 [--runs 1] [--output FILE]",
            "  --model-dir  folder holding NAME.pt (a TorchScript archive)",
            "  --name       the model's name (file NAME.pt)",
            "  --input      raw little-endian float32 values of the one input tensor",
            "  --shape      the input's shape, comma-separated",
            "  --runs       predictor calls, each on the same input",
            "  --output     write every output of the last call here: raw little-endian float32, concatenated");

    private TorchScriptCommand() {}

    public static void main(String[] args) throws Exception {
        DjlDefaults.apply();
        Flags f;
        try {
            f = Flags.parse(args, Set.of("model-dir", "name", "input", "shape", "runs", "output"));
            if (f.help()) {
                System.out.println(USAGE);
                return;
            }
            for (String required : List.of("model-dir", "name", "input", "shape")) {
                if (!f.has(required)) {
                    throw new IllegalArgumentException("--" + required + " is required");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("torchscript: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        long[] shape = f.list("shape").stream().mapToLong(Long::parseLong).toArray();
        float[] input = readFloats(Path.of(f.string("input", "")));
        if (input.length != new Shape(shape).size()) {
            throw new IllegalArgumentException("--input holds " + input.length + " floats, --shape "
                    + Arrays.toString(shape) + " needs " + new Shape(shape).size());
        }
        int runs = f.integer("runs", 1, 1);
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(Path.of(f.string("model-dir", "")))
                .optModelName(f.string("name", ""))
                .optEngine("PyTorch")
                .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            System.out.println("block " + model.getBlock().getClass().getName());
            NDList last = null;
            for (int r = 0; r < runs; r++) {
                if (last != null) {
                    last.close();
                }
                NDArray x = model.getNDManager().create(input, new Shape(shape));
                last = predictor.predict(new NDList(x));
                x.close();
            }
            for (int i = 0; i < last.size(); i++) {
                System.out.println("output " + i + " " + last.get(i).getShape() + " " + last.get(i).getDataType());
            }
            if (f.has("output")) {
                try (OutputStream out = Files.newOutputStream(Path.of(f.string("output", "")))) {
                    for (NDArray a : last) {
                        out.write(a.toByteArray()); // DJL's PyTorch arrays are little-endian on x86 and arm64
                    }
                }
            }
            last.close();
        }
    }

    private static float[] readFloats(Path file) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % Float.BYTES != 0) {
            throw new IllegalArgumentException(file + ": " + b.remaining() + " bytes is not a whole number of floats");
        }
        float[] v = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(v);
        return v;
    }
}
