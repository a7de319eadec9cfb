package io.tokenpath.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module written by the test itself, with no Python torch: the archive format libtorch loads
 * (shared/notes/djl-pytorch.md). The module is a two-layer MLP, {@code h = relu(x @ w1 + b1)},
 * {@code y = h @ w2 + b2}, returning the tuple {@code (y, h)} so that a module with several outputs is covered.
 * Weights are seeded; {@link #compute} is the same function in plain Java, which shows the archive holds the
 * module the test thinks it does.
 *
 * <p>Archive layout: a stored zip with {@code <name>/version}, {@code byteorder}, {@code constants.pkl} (an empty
 * tuple), {@code code/__torch__.py} (the class), {@code data/<key>} (raw little-endian float32) and
 * {@code data.pkl} (a protocol-2 pickle: the object and its attributes, tensors rebuilt by
 * {@code torch._utils._rebuild_tensor_v2} over persistent-id storages).
 */
final class TorchScriptFixture {
    static final String NAME = "tinymlp";

    final int in;
    final int hidden;
    final int out;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;

    TorchScriptFixture(int in, int hidden, int out, long seed) {
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        SplittableRandom r = new SplittableRandom(seed);
        w1 = uniform(r, in * hidden);
        b1 = uniform(r, hidden);
        w2 = uniform(r, hidden * out);
        b2 = uniform(r, out);
    }

    static float[] uniform(SplittableRandom r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) (r.nextDouble() * 2 - 1);
        return f;
    }

    private static final String CODE = String.join("\n",
            "class TinyMlp(Module):",
            "  __parameters__ = [\"w1\", \"b1\", \"w2\", \"b2\", ]",
            "  __buffers__ = []",
            "  w1 : Tensor",
            "  b1 : Tensor",
            "  w2 : Tensor",
            "  b2 : Tensor",
            "  training : bool",
            "  def forward(self: __torch__.TinyMlp,",
            "    x: Tensor) -> Tuple[Tensor, Tensor]:",
            "    h = torch.relu(torch.add(torch.matmul(x, self.w1), self.b1))",
            "    y = torch.add(torch.matmul(h, self.w2), self.b2)",
            "    return (y, h)",
            "");

    /** Writes {@code dir/tinymlp.pt}; returns {@code dir}. */
    Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(dir.resolve(NAME + ".pt")))) {
            stored(z, NAME + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(z, NAME + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            stored(z, NAME + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(z, NAME + "/code/__torch__.py", CODE.getBytes(StandardCharsets.UTF_8));
            float[][] tensors = {w1, b1, w2, b2};
            for (int i = 0; i < tensors.length; i++) stored(z, NAME + "/data/" + i, littleEndian(tensors[i]));
            stored(z, NAME + "/data.pkl", dataPickle());
        }
        return dir;
    }

    /** {@code (y, h)} for {@code rows} input rows, in plain Java (double accumulation). */
    float[][] compute(float[] x, int rows) {
        float[] h = new float[rows * hidden];
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < hidden; j++) {
                double s = b1[j];
                for (int i = 0; i < in; i++) s += (double) x[r * in + i] * w1[i * hidden + j];
                h[r * hidden + j] = (float) Math.max(0, s);
            }
            for (int k = 0; k < out; k++) {
                double s = b2[k];
                for (int j = 0; j < hidden; j++) s += (double) h[r * hidden + j] * w2[j * out + k];
                y[r * out + k] = (float) s;
            }
        }
        return new float[][] {y, h};
    }

    private byte[] dataPickle() {
        Pickle p = new Pickle();
        p.proto2().global("__torch__", "TinyMlp").op(')').op(0x81 /* NEWOBJ */).op('}').op('(' /* MARK */);
        p.str("training").op(0x89 /* NEWFALSE */);
        tensor(p, "w1", 0, new int[] {in, hidden});
        tensor(p, "b1", 1, new int[] {hidden});
        tensor(p, "w2", 2, new int[] {hidden, out});
        tensor(p, "b2", 3, new int[] {out});
        p.op('u' /* SETITEMS */).op('b' /* BUILD */).op('.' /* STOP */);
        return p.bytes();
    }

    /** {@code name: _rebuild_tensor_v2(storage(key), 0, shape, contiguous strides, False, OrderedDict())}. */
    private static void tensor(Pickle p, String name, int key, int[] shape) {
        int numel = 1;
        for (int d : shape) numel *= d;
        p.str(name).global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str(Integer.toString(key)).str("cpu").integer(numel)
                .op('t').op('Q' /* BINPERSID */);
        p.integer(0);
        p.op('(');
        for (int d : shape) p.integer(d);
        p.op('t').op('(');
        for (int i = 0; i < shape.length; i++) {
            int stride = 1;
            for (int j = i + 1; j < shape.length; j++) stride *= shape[j];
            p.integer(stride);
        }
        p.op('t').op(0x89).global("collections", "OrderedDict").op(')').op('R' /* REDUCE */);
        p.op('t').op('R');
    }

    /** The few protocol-2 pickle opcodes the archive needs. */
    private static final class Pickle {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            b.write(opcode);
            return this;
        }

        Pickle proto2() {
            return op(0x80).op(2);
        }

        Pickle global(String module, String name) {
            op('c');
            raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X' /* BINUNICODE */);
            int32(u.length);
            raw(u);
            return this;
        }

        Pickle integer(int v) {
            if (v >= 0 && v < 256) {
                op('K' /* BININT1 */).op(v);
            } else {
                op('J' /* BININT */);
                int32(v);
            }
            return this;
        }

        private void int32(int v) {
            for (int i = 0; i < 4; i++) b.write(v >>> (8 * i));
        }

        private void raw(byte[] x) {
            b.write(x, 0, x.length);
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    static byte[] littleEndian(float[] f) {
        ByteBuffer bb = ByteBuffer.allocate(f.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) bb.putFloat(v);
        return bb.array();
    }

    static float[] floats(byte[] b) {
        float[] f = new float[b.length / Float.BYTES];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
