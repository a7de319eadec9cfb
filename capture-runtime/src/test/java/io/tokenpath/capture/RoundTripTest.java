package io.tokenpath.capture;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.read.DecodedTensor;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random shapes, dtypes, codecs and transforms: write through the real pipeline, read back, and compare byte for
 * byte (lossless) or within the error bound the frame recorded (lossy), which is itself checked against the truth.
 */
class RoundTripTest {
    @TempDir
    Path dir;

    static Stream<Object[]> encodings() {
        List<Object[]> l = new ArrayList<>();
        for (Codec c : Codec.values()) {
            for (boolean shuffle : new boolean[] {false, true}) {
                for (Transform t : Transform.values()) l.add(new Object[] {c, shuffle, t});
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0} shuffle={1} {2}")
    @MethodSource("encodings")
    void randomTensorsRoundTrip(Codec codec, boolean shuffle, Transform transform) throws Exception {
        Path out = dir.resolve("rt.stream");
        Random rnd = new Random(Arrays.hashCode(new int[] {codec.ordinal(), shuffle ? 1 : 0, transform.ordinal()}));
        CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(out).codec(codec).shuffle(shuffle)
                .transform(transform).int8Block(32).maxMemory(64L << 20).maxTensor(4L << 20).threads(2).build();
        List<Expected> expected = new ArrayList<>();
        try (ActivationCapture cap = ActivationCapture.open(cfg)) {
            for (int i = 0; i < 60; i++) {
                DType dt = DType.values()[rnd.nextInt(DType.values().length)];
                if (i % 3 == 0) dt = DType.FLOAT32;
                long[] shape = randomShape(rnd);
                long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                byte[] bytes = randomData(rnd, dt, (int) n);
                String name = String.format("%02dblock/%02dlayer", i % 7, i % 5);
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
                direct.put(bytes).flip();
                assertTrue(cap.captureTensor(name, dt, shape, i / 10, i % 10, direct));
                expected.add(new Expected(name, dt, shape, bytes, i / 10, i % 10));
            }
        }
        try (StreamReader r = StreamReader.open(out)) {
            int i = 0;
            for (Frame f : r) {
                if (f.kind() != FrameKind.TENSOR) continue;
                Expected e = expected.get(i++);
                DecodedTensor t = f.decode();
                TensorHeader h = t.header();
                assertEquals(e.name, f.name());
                assertArrayEquals(e.shape, h.shape());
                assertEquals(e.dtype, h.sourceDType());
                assertEquals(e.request, h.requestId());
                assertEquals(e.step, h.step());
                boolean lossy = transform != Transform.NONE && e.dtype == DType.FLOAT32;
                assertEquals(lossy ? transform : Transform.NONE, h.transform());
                if (!lossy) {
                    assertArrayEquals(e.bytes, t.rawBytes(), "lossless frame " + i + " must be byte-identical");
                    assertEquals(0.0, h.maxAbsError());
                } else {
                    float[] truth = floats(e.bytes);
                    float[] got = t.floats();
                    double maxErr = 0;
                    for (int k = 0; k < truth.length; k++) maxErr = Math.max(maxErr, Math.abs(truth[k] - got[k]));
                    assertEquals(maxErr, h.maxAbsError(), 1e-12, "recorded bound must be the measured error");
                }
            }
            assertEquals(expected.size(), i);
            assertTrue(r.end().isClean(), r.end().toString());
        }
        // The memory-mapped reader sees the same frames and the same bytes.
        try (StreamReader streamed = StreamReader.open(out); StreamReader mapped = StreamReader.open(out, StreamReader.Mode.MAPPED)) {
            List<Frame> a = streamed.frames().filter(f -> f.kind() == FrameKind.TENSOR).toList();
            List<Frame> b = mapped.frames().filter(f -> f.kind() == FrameKind.TENSOR).toList();
            assertEquals(a.size(), b.size());
            for (int k = 0; k < a.size(); k++) {
                assertEquals(a.get(k).offset(), b.get(k).offset());
                assertArrayEquals(a.get(k).decode().rawBytes(), b.get(k).decode().rawBytes());
            }
        }
    }

    record Expected(String name, DType dtype, long[] shape, byte[] bytes, long request, int step) {}

    static long[] randomShape(Random rnd) {
        int nd = 1 + rnd.nextInt(4);
        long[] s = new long[nd];
        for (int i = 0; i < nd; i++) s[i] = 1 + rnd.nextInt(i == nd - 1 ? 300 : 6);
        return s;
    }

    static byte[] randomData(Random rnd, DType dt, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * dt.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (dt) {
                case FLOAT32: b.putFloat((float) (rnd.nextGaussian() * 3)); break;
                case FLOAT64: b.putDouble(rnd.nextGaussian()); break;
                case FLOAT16: case BFLOAT16: b.putShort((short) rnd.nextInt(0x7c00)); break;
                case INT32: b.putInt(rnd.nextInt(1000)); break;
                case INT64: b.putLong(rnd.nextInt(50000)); break;
                default: b.put((byte) rnd.nextInt(2));
            }
        }
        return b.array();
    }

    static float[] floats(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.length / 4];
        bb.asFloatBuffer().get(f);
        return f;
    }
}
