package io.tokenpath.capture;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Granularity;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.SampleSpec;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.read.DecodedTensor;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The spec's companion reader, docs/examples/read_stream.py, must read what the Java pipeline writes exactly as the
 * Java reader does: names, shapes, requests, steps, codes, float values (by sha256 and sum), tokens, events, and
 * where a torn stream ends. It runs under every Python found that has numpy (TOKENPATH_PYTHON, python3 on PATH,
 * /usr/bin/python3), with its optional modules and, for LZ4 and CRC32C, with its pure-Python fallbacks (--pure).
 */
class PythonReaderTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPO.resolve("docs/examples/read_stream.py");

    /** One interpreter and the optional modules it has. */
    record Python(String exe, String executable, boolean lz4, boolean zstd, boolean crc32c) {
        @Override
        public String toString() {
            return executable + " (lz4 " + lz4 + ", zstandard " + zstd + ", crc32c " + crc32c + ")";
        }
    }

    private static final List<Python> PYTHONS = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), "missing " + SCRIPT);
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("TOKENPATH_PYTHON");
        if (env != null && !env.isBlank()) candidates.add(env);
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        String probe = "import importlib.util as u, sys; import numpy;"
                + "print(sys.executable, *[u.find_spec(m) is not None for m in ('lz4', 'zstandard', 'crc32c')])";
        List<String> seen = new ArrayList<>();
        StringBuilder why = new StringBuilder();
        for (String c : candidates) {
            Run r;
            try {
                r = run(List.of(c, "-c", probe), Path.of("."));
            } catch (IOException e) {
                why.append("\n  ").append(c).append(": cannot run (").append(e.getMessage()).append(')');
                continue;
            }
            if (r.rc != 0) {
                why.append("\n  ").append(c).append(": ").append(r.stderr.strip().lines().reduce((a, b) -> b).orElse("rc " + r.rc));
                continue;
            }
            String[] f = r.stdout.strip().split(" ");
            if (seen.contains(f[0])) continue;
            seen.add(f[0]);
            PYTHONS.add(new Python(c, f[0], Boolean.parseBoolean(f[1]), Boolean.parseBoolean(f[2]), Boolean.parseBoolean(f[3])));
        }
        if (PYTHONS.isEmpty()) {
            fail("no Python 3 with numpy found to run docs/examples/read_stream.py; install them "
                    + "(apt-get install python3 python3-numpy; optional: python3-lz4 python3-zstandard python3-crc32c), "
                    + "or point TOKENPATH_PYTHON at an interpreter that has numpy." + why);
        }
        System.out.println("PythonReaderTest: interpreters " + PYTHONS);
    }

    // ------------------------------------------------------------------ streams

    @Test
    void codecNoneMatchesJava() throws Exception {
        Path out = write("none.stream", cfg("none.stream").codec(Codec.NONE).shuffle(false), PythonReaderTest::mixedDTypes);
        compareEverywhere(out);
    }

    @Test
    void lz4WithoutShuffleMatchesJava() throws Exception {
        Path out = write("lz4.stream", cfg("lz4.stream").codec(Codec.LZ4).shuffle(false), PythonReaderTest::mixedDTypes);
        assertUses(out, Codec.LZ4, false);
        compareEverywhere(out);
    }

    @Test
    void lz4WithShuffleMatchesJava() throws Exception {
        Path out = write("lz4s.stream", cfg("lz4s.stream").codec(Codec.LZ4).shuffle(true), PythonReaderTest::mixedDTypes);
        assertUses(out, Codec.LZ4, true);
        compareEverywhere(out);
    }

    @Test
    void fp16MatchesJava() throws Exception {
        Path out = write("fp16.stream", cfg("fp16.stream").codec(Codec.LZ4).shuffle(true).transform(Transform.FP16),
                PythonReaderTest::floats);
        assertUses(out, Codec.LZ4, true);
        compareEverywhere(out);
    }

    @Test
    void bf16MatchesJava() throws Exception {
        Path out = write("bf16.stream", cfg("bf16.stream").codec(Codec.NONE).transform(Transform.BF16),
                PythonReaderTest::floats);
        compareEverywhere(out);
    }

    @Test
    void int8BlockMatchesJava() throws Exception {
        Path out = write("int8.stream", cfg("int8.stream").codec(Codec.LZ4).shuffle(true)
                .transform(Transform.INT8_BLOCK).int8Block(32), PythonReaderTest::floats);
        compareEverywhere(out);
    }

    @Test
    void sampledSlicesMatchJava() throws Exception {
        Path out = write("sampled.stream", cfg("sampled.stream").codec(Codec.LZ4).shuffle(true)
                .granularity(Granularity.SAMPLED_SLICES).sampleCount(8), PythonReaderTest::mixedDTypes);
        try (StreamReader r = StreamReader.open(out)) {
            assertTrue(r.frames().filter(f -> f.kind() == FrameKind.TENSOR).anyMatch(f -> header(f).sample() != null),
                    "the sampled stream must hold frames with a sample section");
        }
        compareEverywhere(out);
    }

    @Test
    void zstdMatchesJavaWhereZstandardIsInstalled() throws Exception {
        Path out = write("zstd.stream", cfg("zstd.stream").codec(Codec.ZSTD).shuffle(true), PythonReaderTest::mixedDTypes);
        assertUses(out, Codec.ZSTD, true);
        List<Python> with = PYTHONS.stream().filter(Python::zstd).toList();
        assumeTrue(!with.isEmpty(), "no interpreter here has the zstandard module (apt-get install python3-zstandard): "
                + "Zstd frames are not checked against Python");
        for (Python p : with) compare(p, out, false);
    }

    @Test
    void zstdWithoutTheModuleIsAClearErrorNamingTheFrame() throws Exception {
        Path out = write("zstd.stream", cfg("zstd.stream").codec(Codec.ZSTD).shuffle(true), PythonReaderTest::mixedDTypes);
        Frame first = firstWithCodec(out, Codec.ZSTD);
        Run r = python(PYTHONS.get(0), "--json", "--pure", out.toString());
        assertEquals(1, r.rc, r.stderr);
        assertTrue(r.stderr.contains("frame '" + first.name() + "' at offset " + first.offset()), r.stderr);
        assertTrue(r.stderr.contains("zstandard"), r.stderr);
    }

    @Test
    void tornTailIsReportedAtTheJavaReadersOffset() throws Exception {
        Path out = write("torn.stream", cfg("torn.stream").codec(Codec.LZ4).shuffle(true), PythonReaderTest::mixedDTypes);
        long lastStart;
        try (StreamReader r = StreamReader.open(out)) {
            lastStart = r.frames().filter(f -> f.kind() == FrameKind.TENSOR).reduce((a, b) -> b).orElseThrow().offset();
        }
        // Cut inside the last tensor frame (the __end frame after it goes too), as a kill while writing would.
        truncate(out, lastStart + 20);
        StreamEnd javaEnd;
        try (StreamReader r = StreamReader.open(out)) {
            javaEnd = r.end();
        }
        assertEquals(StreamEnd.Status.TORN, javaEnd.status());
        assertEquals(lastStart, javaEnd.offset());
        for (Python p : PYTHONS) {
            Run v = python(p, "--verify", out.toString());
            assertEquals(3, v.rc, p + ": --verify of a torn stream exits 3\n" + v.stdout + v.stderr);
            assertTrue(v.stdout.contains("torn tail at offset " + javaEnd.offset() + " (" + javaEnd.trailingBytes()
                    + " trailing bytes)"), p + ":\n" + v.stdout);
            assertTrue(v.stdout.contains(" 0 errors"), v.stdout);
            // --json still dumps the valid prefix and says where it ends
            Map<String, Object> dump = compare(p, out, false);
            @SuppressWarnings("unchecked")
            Map<String, Object> end = (Map<String, Object>) dump.get("end");
            assertEquals("torn", end.get("status"));
            assertEquals(javaEnd.offset(), end.get("offset"));
        }
    }

    @Test
    void crcMismatchIsReportedWithTheFrameOffset() throws Exception {
        Path out = write("crc.stream", cfg("crc.stream").codec(Codec.NONE), PythonReaderTest::floats);
        Frame victim;
        try (StreamReader r = StreamReader.open(out)) {
            victim = r.frames().filter(f -> f.kind() == FrameKind.TENSOR).skip(2).findFirst().orElseThrow();
        }
        long at = victim.endOffset() - 3; // a payload byte of an uncompressed frame
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        try (StreamReader r = StreamReader.open(out)) {
            Frame again = r.frames().filter(f -> f.offset() == victim.offset()).findFirst().orElseThrow();
            IOException e = assertThrows(IOException.class, again::decode);
            assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
        }
        for (Python p : PYTHONS) {
            for (boolean pure : new boolean[] {false, true}) {
                Run v = pure ? python(p, "--verify", "--pure", out.toString()) : python(p, "--verify", out.toString());
                assertEquals(1, v.rc, v.stdout + v.stderr);
                assertTrue(v.stdout.contains("frame '" + victim.name() + "' at offset " + victim.offset()
                        + ": CRC32C mismatch"), v.stdout);
                assertTrue(v.stdout.contains(" 1 errors; clean end"), v.stdout);
            }
        }
    }

    /**
     * The worked example in docs/stream-format.md was cut from a real stream; the same capture today must still
     * produce those bytes (timestamps aside), so the spec's example cannot drift from the writer.
     */
    @Test
    void specWorkedExampleIsWhatJavaWrites() throws Exception {
        String doc = Files.readString(REPO.resolve("docs/stream-format.md"), StandardCharsets.UTF_8);
        Path out = write("ex.stream", CaptureConfig.builder(Preset.FAST_CAPTURE).output(dir.resolve("ex.stream"))
                .maxMemory(16L << 20), cap -> {
                    assertTrue(cap.captureTensor("h", new long[] {2, 2}, 7, 0, new float[] {1.0f, -2.0f, 0.5f, 3.0f}));
                    assertTrue(cap.recordToken(7, 0, 15043, " Hi", true));
                });
        byte[] file = Files.readAllBytes(out);
        try (StreamReader r = StreamReader.open(out)) {
            List<Frame> frames = r.frames().toList();
            Frame tensor = frames.get(1);
            Frame token = frames.get(2);
            assertEquals("h", tensor.name());
            assertEquals("__token", token.name());
            // Timestamps differ from run to run: blank them (6-byte frame header + name, then the timestamp's
            // offset in the data: 24 in a tensor header, 14 in a token frame).
            int ts = 6 + 1 + 24;
            assertArrayEquals(blank(hexBlock(doc, "Tensor frame, bytes"), ts, 8),
                    blank(Arrays.copyOfRange(file, (int) tensor.offset(), (int) tensor.endOffset()), ts, 8));
            int tts = 6 + 7 + 14;
            assertArrayEquals(blank(hexBlock(doc, "Token frame, bytes"), tts, 8),
                    blank(Arrays.copyOfRange(file, (int) token.offset(), (int) token.endOffset()), tts, 8));
        }
        float[] half = new float[32];
        Arrays.fill(half, 0.5f);
        Path lz = write("ex2.stream", CaptureConfig.builder(Preset.BALANCED).output(dir.resolve("ex2.stream"))
                .maxMemory(16L << 20), cap -> assertTrue(cap.captureTensor("x", new long[] {32}, 7, 1, half)));
        try (StreamReader r = StreamReader.open(lz)) {
            Frame x = r.frames().filter(f -> f.name().equals("x")).findFirst().orElseThrow();
            TensorHeader h = x.tensorHeader();
            assertEquals(Codec.LZ4, h.codec());
            assertTrue(h.shuffled());
            assertEquals(0x5acbbf4d, h.crc32c());
            byte[] data = x.data();
            assertArrayEquals(hexBlock(doc, "then the 16-byte LZ4 payload"),
                    Arrays.copyOfRange(data, h.encodedLength(), data.length));
        }
    }

    /** The bytes of the first code block after {@code marker}: per line, an optional offset, then hex pairs. */
    private static byte[] hexBlock(String doc, String marker) {
        int at = doc.indexOf(marker);
        assertTrue(at >= 0, "docs/stream-format.md lost the example marked '" + marker + "'");
        int open = doc.indexOf("```", at);
        int close = doc.indexOf("```", open + 3);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (String line : doc.substring(doc.indexOf('\n', open) + 1, close).split("\n")) {
            String[] t = line.trim().split("\\s+");
            int k = t.length > 0 && t[0].matches("\\d{3,}") ? 1 : 0;
            for (; k < t.length && t[k].matches("[0-9a-f]{2}"); k++) bytes.write(Integer.parseInt(t[k], 16));
        }
        return bytes.toByteArray();
    }

    /** A copy of {@code frame} with {@code len} bytes from {@code off} zeroed. */
    private static byte[] blank(byte[] frame, int off, int len) {
        byte[] b = frame.clone();
        Arrays.fill(b, off, off + len, (byte) 0);
        return b;
    }

    // ------------------------------------------------------------------ writing

    private CaptureConfig.Builder cfg(String file) {
        return CaptureConfig.builder(Preset.BALANCED).output(dir.resolve(file)).maxMemory(64L << 20)
                .maxTensor(4L << 20).threads(2).metadata("model", "python-reader-test");
    }

    private Path write(String file, CaptureConfig.Builder b, Consumer<ActivationCapture> content) throws IOException {
        try (ActivationCapture cap = ActivationCapture.open(b.build())) {
            content.accept(cap);
        }
        return dir.resolve(file);
    }

    /** Every dtype, a few shapes (a scalar and an empty tensor among them), tokens and request events. */
    static void mixedDTypes(ActivationCapture cap) {
        Random rnd = new Random(7);
        cap.recordRequestEvent(Json.map("request_id", 1L, "event", "start", "model", "tiny"));
        int step = 0;
        for (DType dt : DType.values()) {
            long[][] shapes = {{3, 40}, {2, 3, 17}, {129}};
            for (long[] shape : shapes) {
                int n = (int) Arrays.stream(shape).reduce(1, (a, c) -> a * c);
                assertTrue(cap.captureTensor("layers." + dt.ordinal() + ".mlp", dt, shape, 1, step, bytes(rnd, dt, n)));
            }
            cap.recordToken(1, step, 1000 + step, TEXTS[step % TEXTS.length], false);
            step++;
        }
        assertTrue(cap.captureTensor("scalar", DType.FLOAT32, new long[0], 2, 0, bytes(rnd, DType.FLOAT32, 1)));
        assertTrue(cap.captureTensor("empty", DType.INT64, new long[] {0, 4}, 2, 0, bytes(rnd, DType.INT64, 0)));
        cap.recordToken(2, 0, 7, "", true);
        cap.recordRequestEvent(Json.map("request_id", 1L, "event", "end"));
    }

    /** float32 tensors for the lossy transforms: smooth, noisy, with outliers past the fp16 range, zeros. */
    static void floats(ActivationCapture cap) {
        Random rnd = new Random(11);
        for (int step = 0; step < 6; step++) {
            int n = 16 * 96;
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double smooth = Math.sin(i * 0.05 + step) * 4;
                v[i] = step % 2 == 0 ? (float) (Math.round(smooth * 64) / 64.0) : (float) (smooth + rnd.nextGaussian());
            }
            if (step == 3) {
                v[5] = 70000f; // beyond fp16: saturates, and the recorded error says how far
                v[6] = -1e6f;
                Arrays.fill(v, 64, 128, 0f); // an all-zero int8 block (scale 0)
            }
            assertTrue(cap.captureTensor("blocks." + step + ".attn", new long[] {16, 96}, 3, step, v));
            cap.recordToken(3, step, 42 + step, TEXTS[step % TEXTS.length], step == 5);
        }
        assertTrue(cap.captureTensor("odd", new long[] {37}, 3, 6, new float[37])); // int8 tail block of 5
        float[] nf = new float[80];
        for (int i = 0; i < nf.length; i++) nf[i] = (float) Math.cos(i * 0.3);
        nf[3] = Float.POSITIVE_INFINITY; // int8_block: stored as 127, max_abs_error +Infinity
        nf[50] = Float.NEGATIVE_INFINITY;
        nf[77] = Float.NaN;
        assertTrue(cap.captureTensor("nonfinite", new long[] {2, 40}, 3, 7, nf));
    }

    private static final String[] TEXTS = {"Hello", " wörld", " 世界", " 🙂", "\n\"quoted\"\t", ""};

    static ByteBuffer bytes(Random rnd, DType dt, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * dt.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double smooth = Math.sin(i * 0.1) * 3 + (rnd.nextInt(8) == 0 ? rnd.nextGaussian() : 0);
            switch (dt) {
                case FLOAT32: b.putFloat((float) smooth); break;
                case FLOAT64: b.putDouble(smooth + rnd.nextGaussian() * 1e-9); break;
                case FLOAT16: b.putShort((short) rnd.nextInt(0x7c00)); break; // finite halves
                case BFLOAT16: b.putShort((short) (Float.floatToIntBits((float) smooth) >>> 16)); break;
                case INT8: case UINT8: b.put((byte) (i % 7 - 3)); break;
                case INT32: b.putInt(i % 5 == 0 ? rnd.nextInt() : i); break;
                case INT64: b.putLong(i % 5 == 0 ? rnd.nextLong() >> 20 : i); break;
                default: b.put((byte) (i % 3 == 0 ? 1 : 0));
            }
        }
        return b.flip();
    }

    private static void assertUses(Path out, Codec codec, boolean shuffled) throws IOException {
        try (StreamReader r = StreamReader.open(out)) {
            assertTrue(r.frames().filter(f -> f.kind() == FrameKind.TENSOR).map(PythonReaderTest::header)
                            .anyMatch(h -> h.codec() == codec && h.shuffled() == shuffled),
                    "the stream must hold at least one frame with codec " + codec + ", shuffle " + shuffled);
        }
    }

    private static Frame firstWithCodec(Path out, Codec codec) throws IOException {
        try (StreamReader r = StreamReader.open(out)) {
            return r.frames().filter(f -> f.kind() == FrameKind.TENSOR && header(f).codec() == codec).findFirst()
                    .orElseThrow();
        }
    }

    private static TensorHeader header(Frame f) {
        try {
            return f.tensorHeader();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void truncate(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    // ------------------------------------------------------------------ comparing

    /**
     * Runs the reader under every interpreter: --json (also with --pure where the optional modules would otherwise
     * hide the pure-Python LZ4 / CRC32C fallbacks), --verify, and the summary.
     */
    private void compareEverywhere(Path out) throws Exception {
        for (Python p : PYTHONS) {
            compare(p, out, false);
            if (p.lz4 || p.crc32c) compare(p, out, true);
            Run v = python(p, "--verify", out.toString());
            assertEquals(0, v.rc, p + " --verify\n" + v.stdout + v.stderr);
            assertTrue(v.stdout.contains(" 0 errors; clean end at offset " + Files.size(out)), v.stdout);
            Run s = python(p, out.toString());
            assertEquals(0, s.rc, p + " summary\n" + s.stdout + s.stderr);
            assertTrue(s.stdout.contains("tokenpath stream v1, " + Files.size(out) + " bytes"), s.stdout);
        }
    }

    /** Python's --json dump of {@code out} must say what the Java reader says; returns the dump. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> compare(Python p, Path out, boolean pure) throws Exception {
        Run run = pure ? python(p, "--json", "--pure", out.toString()) : python(p, "--json", out.toString());
        String ctx = p + (pure ? " --pure" : "") + " on " + out.getFileName() + ": ";
        Map<String, Object> dump;
        try {
            dump = Json.parseObject(run.stdout);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(ctx + "output is not JSON (rc " + run.rc + ")\n" + run.stderr, e);
        }
        List<Map<String, Object>> tensors = (List<Map<String, Object>>) dump.get("tensors");
        List<Map<String, Object>> tokens = (List<Map<String, Object>>) dump.get("tokens");
        List<Map<String, Object>> events = (List<Map<String, Object>>) dump.get("events");
        int ti = 0;
        int ki = 0;
        int ei = 0;
        try (StreamReader r = StreamReader.open(out)) {
            assertEquals(r.fileSize(), dump.get("file_size"), ctx);
            assertEquals(r.header().metadata(), dump.get("header"), ctx + "header metadata");
            for (Frame f : r) {
                switch (f.kind()) {
                    case TENSOR: {
                        assertTrue(ti < tensors.size(), ctx + "Python lists fewer tensors than Java");
                        compareTensor(ctx, f, tensors.get(ti++));
                        break;
                    }
                    case TOKEN: {
                        TokenRecord t = f.token();
                        Map<String, Object> py = tokens.get(ki++);
                        String c = ctx + "token at " + f.offset();
                        assertEquals(f.offset(), py.get("offset"), c);
                        assertEquals(t.requestId(), py.get("request"), c);
                        assertEquals((long) t.step(), py.get("step"), c);
                        assertEquals((long) t.tokenId(), py.get("token_id"), c);
                        assertEquals(t.timestampNanos(), py.get("timestamp_ns"), c);
                        assertEquals(t.last(), py.get("last"), c);
                        assertEquals(t.text(), py.get("text"), c);
                        break;
                    }
                    case DROPS: case RESUME: case REQUEST: case END: {
                        Map<String, Object> py = events.get(ei++);
                        assertEquals(f.offset(), py.get("offset"), ctx);
                        assertEquals(f.name(), py.get("name"), ctx);
                        assertEquals(f.json(), py.get("data"), ctx + f.name());
                        break;
                    }
                    default:
                        break;
                }
            }
            assertEquals(tensors.size(), ti, ctx + "tensor count");
            assertEquals(tokens.size(), ki, ctx + "token count");
            assertEquals(events.size(), ei, ctx + "event count");
            StreamEnd end = r.end();
            Map<String, Object> pyEnd = (Map<String, Object>) dump.get("end");
            assertEquals(end.status().name().toLowerCase(), pyEnd.get("status"), ctx);
            assertEquals(end.offset(), pyEnd.get("offset"), ctx);
            assertEquals(end.isClean() ? 0 : 3, run.rc, ctx + "exit code\n" + run.stderr);
        }
        assertTrue(ti > 0, ctx + "no tensors compared");
        return dump;
    }

    @SuppressWarnings("unchecked")
    private static void compareTensor(String ctx, Frame f, Map<String, Object> py) throws Exception {
        DecodedTensor t = f.decode();
        TensorHeader h = t.header();
        String c = ctx + "tensor '" + f.name() + "' at " + f.offset();
        assertEquals(f.offset(), py.get("offset"), c);
        assertEquals(f.name(), py.get("name"), c);
        assertEquals(h.requestId(), py.get("request"), c);
        assertEquals((long) h.step(), py.get("step"), c);
        assertEquals(h.timestampNanos(), py.get("timestamp_ns"), c);
        assertEquals(Arrays.stream(h.shape()).boxed().toList(), py.get("shape"), c);
        assertEquals(h.sourceDType().name().toLowerCase(), py.get("dtype"), c);
        assertEquals(h.codec().lowerName(), py.get("codec"), c);
        assertEquals(h.shuffled(), py.get("shuffle"), c);
        assertEquals(h.transform().lowerName(), py.get("transform"), c);
        assertEquals(h.maxAbsError(), number(py.get("max_abs_error")), 0.0, c + " max_abs_error");
        SampleSpec s = h.sample();
        if (s == null) {
            assertNull(py.get("sample"), c);
        } else {
            Map<String, Object> ps = (Map<String, Object>) py.get("sample");
            assertEquals((long) s.axis(), ps.get("axis"), c);
            assertEquals(s.originalLength(), ps.get("original_length"), c);
            assertEquals(Arrays.stream(s.indices()).asLongStream().boxed().toList(), ps.get("indices"), c);
        }
        float[] v = t.floats();
        ByteBuffer le = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        double abs = 0;
        for (float x : v) {
            le.putFloat(x);
            sum += x;
            abs += Math.abs(x);
        }
        assertEquals(sha256(le.array()), py.get("sha256"), c + " float32 values");
        assertEquals(sha256(t.rawBytes()), py.get("raw_sha256"), c + " raw payload");
        if (Double.isFinite(sum)) {
            assertEquals(sum, number(py.get("sum")), 1e-9 * (1 + abs), c + " sum");
        } else {
            assertEquals(sum, number(py.get("sum")), c + " sum (not finite)");
        }
    }

    /** A number of the dump: JSON numbers, or "inf", "-inf", "nan" for what strict JSON cannot hold. */
    private static double number(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        switch (String.valueOf(o)) {
            case "inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            case "nan": return Double.NaN;
            default: throw new AssertionError("not a number in the dump: " + o);
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ------------------------------------------------------------------ processes

    record Run(int rc, String stdout, String stderr) {}

    private Run python(Python p, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(p.exe(), SCRIPT.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, dir);
    }

    private static Run run(List<String> cmd, Path workDir) throws IOException, InterruptedException {
        Path o = Files.createTempFile("pyreader", ".out");
        Path e = Files.createTempFile("pyreader", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectOutput(o.toFile()).redirectError(e.toFile());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process proc = pb.start();
            if (!proc.waitFor(180, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                fail("timed out: " + String.join(" ", cmd));
            }
            return new Run(proc.exitValue(), Files.readString(o, StandardCharsets.UTF_8),
                    Files.readString(e, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(o);
            Files.deleteIfExists(e);
        }
    }
}
