package io.tokenpath.agent.impl.tap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.tokenpath.capture.format.DType;
import io.tokenpath.samples.DjlDefaults;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The tap's reads of real PyTorch arrays agree with DJL's public API, on the engine's direct path. */
class NdArrayAccessTest {
    @Test
    void readsWhatDjlReportsForRealPyTorchArrays() throws Exception {
        DjlDefaults.apply();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray[] arrays = {
                m.arange(24f).reshape(2, 3, 4),
                m.arange(24f).reshape(2, 3, 4).transpose(), // not contiguous: DJL copies it
                m.create(new long[] {7, -1, 1L << 40}),
                m.create(3.5f), // a scalar: shape []
                m.zeros(new Shape(0, 5)),
                m.arange(6f).reshape(2, 3).toType(DataType.FLOAT16, false),
                m.create(new int[] {1, 2, 3}),
                m.arange(24f).reshape(4, 6).get("1:3"), // contiguous, but starts 6 elements into its storage
                m.create(new boolean[] {true, false, true}),
                m.create(new long[] {5, 6, 7, 8}).reshape(2, 2),
                // sparse COO: no layout check on the direct path, so this must reach DJL's densifying copy
                m.create(new float[] {0, 1, 0, 2, 0, 0}, new Shape(2, 3)).toSparse(SparseFormat.COO),
            };
            NdArrayAccess access = NdArrayAccess.of(arrays[0].getClass(), why -> fail("this DJL's arrays should be read directly: " + why));
            assertTrue(access.readsDirectly(), "PyTorch arrays: read through the engine by handle, no Shape object");
            assertTrue(access.bytes(arrays[0], access.handle(arrays[0])).isDirect(), "a contiguous CPU tensor is DJL's view of its memory, copied once, into the ring");
            for (NDArray a : arrays) {
                String what = a.getDataType() + " " + a.getShape();
                long handle = access.handle(a);
                assertArrayEquals(a.getShape().getShape(), access.shape(a, handle), what);
                assertEquals(DType.valueOf(a.getDataType().name().toUpperCase(java.util.Locale.ROOT)), access.dtype(a, handle), what);
                ByteBuffer expected = a.toByteBuffer();
                ByteBuffer got = access.bytes(a, handle);
                assertEquals(expected.order(), got.order(), what);
                assertEquals(expected.remaining(), got.remaining(), what);
                byte[] e = new byte[expected.remaining()];
                byte[] g = new byte[got.remaining()];
                expected.duplicate().get(e);
                got.duplicate().get(g);
                assertArrayEquals(e, g, what);
            }
            assertNull(NdArrayAccess.dtype("int16"), "int16 has no stream dtype: not captured"); // (a PyTorch int16 array aborts DJL 0.35's toType)
        }
    }
}
