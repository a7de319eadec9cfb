package io.tokenpath.agent.impl.tap;

import io.tokenpath.capture.format.DType;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a DJL NDArray's dtype, shape and bytes by reflection (the agent does not link against DJL), for one
 * NDArray class. On the tap's path once per captured block output, so it avoids DJL's costs where it safely can:
 * the stream dtype of each DataType constant is looked up once, and for PyTorch arrays the shape comes straight from
 * the engine's {@code torchSizes} as a {@code long[]}, skipping the {@code Shape} object DJL builds with streams
 * (three quarters of {@code getShape()} in a profile of the tiny sample model). The bytes always come from DJL's
 * {@code toByteBuffer(true)}, which knows when a tensor must first be copied to contiguous CPU memory (GPU, sparse,
 * strided): reading them directly saved nothing measurable, and a wrong device check there would read GPU memory.
 * Any failure to find those internals leaves the public methods in use.
 */
final class NdArrayAccess {
    private static final String PT_NDARRAY = "ai.djl.pytorch.engine.PtNDArray";
    private static final String PT_LIBRARY = "ai.djl.pytorch.jni.PyTorchLibrary";

    private final Method dataType;
    private final Method shape;
    private final Method shapeArray;
    private final Method bytes;
    /** PyTorch only: {@code getHandle()}, and {@code PyTorchLibrary.LIB.torchSizes(long)} with its receiver. */
    private final Method handle;
    private final Method torchSizes;
    private final Object torchLibrary;
    private final Map<Object, Optional<DType>> dtypes = new ConcurrentHashMap<>();

    private NdArrayAccess(Class<?> ndArrayClass) throws ReflectiveOperationException {
        dataType = accessible(ndArrayClass.getMethod("getDataType"));
        shape = accessible(ndArrayClass.getMethod("getShape"));
        shapeArray = accessible(shape.getReturnType().getMethod("getShape"));
        bytes = accessible(ndArrayClass.getMethod("toByteBuffer", boolean.class));
        Method h = null;
        Method sizes = null;
        Object lib = null;
        if (ndArrayClass.getName().equals(PT_NDARRAY)) {
            try {
                Class<?> library = Class.forName(PT_LIBRARY, false, ndArrayClass.getClassLoader());
                Field f = library.getDeclaredField("LIB");
                f.setAccessible(true);
                lib = f.get(null);
                sizes = accessible(library.getDeclaredMethod("torchSizes", long.class));
                h = accessible(ndArrayClass.getMethod("getHandle"));
            } catch (ReflectiveOperationException | RuntimeException e) {
                h = null; // a DJL without these internals: the public getShape() serves
                sizes = null;
                lib = null;
            }
        }
        handle = h;
        torchSizes = sizes;
        torchLibrary = lib;
    }

    /** Access for {@code ndArrayClass}; an IllegalStateException if it is not a DJL NDArray. */
    static NdArrayAccess of(Class<?> ndArrayClass) {
        try {
            return new NdArrayAccess(ndArrayClass);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(ndArrayClass + " is not a DJL NDArray: " + e, e);
        }
    }

    /** True where the shape is read through the PyTorch engine directly. */
    boolean directShape() {
        return torchSizes != null;
    }

    /** The stream's dtype for the array's DJL DataType; null where the stream has none. */
    DType dtype(Object array) throws ReflectiveOperationException {
        return dtypes.computeIfAbsent(dataType.invoke(array), d -> Optional.ofNullable(dtype(String.valueOf(d))))
                .orElse(null);
    }

    long[] shape(Object array) throws ReflectiveOperationException {
        if (torchSizes != null) return (long[]) torchSizes.invoke(torchLibrary, (Long) handle.invoke(array));
        return (long[]) shapeArray.invoke(shape.invoke(array));
    }

    /** The array's bytes: DJL's direct view of native memory where it can (contiguous CPU), else a copy. */
    ByteBuffer bytes(Object array) throws ReflectiveOperationException {
        return (ByteBuffer) bytes.invoke(array, true);
    }

    /** DJL DataType name to the stream's dtype; null where the stream has none (int16, unsigned > 8 bit, strings). */
    static DType dtype(String djl) {
        switch (djl.toUpperCase(Locale.ROOT)) {
            case "FLOAT32": return DType.FLOAT32;
            case "FLOAT64": return DType.FLOAT64;
            case "FLOAT16": return DType.FLOAT16;
            case "BFLOAT16": return DType.BFLOAT16;
            case "INT8": return DType.INT8;
            case "UINT8": return DType.UINT8;
            case "INT32": return DType.INT32;
            case "INT64": return DType.INT64;
            case "BOOLEAN": return DType.BOOLEAN;
            default: return null;
        }
    }

    private static Method accessible(Method m) {
        m.setAccessible(true);
        return m;
    }
}
