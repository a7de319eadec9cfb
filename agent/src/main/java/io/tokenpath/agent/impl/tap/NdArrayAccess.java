package io.tokenpath.agent.impl.tap;

import io.tokenpath.capture.format.DType;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reads a DJL NDArray's dtype, shape and bytes, for one NDArray class, without linking against DJL. On the tap's
 * path once per captured block output, so for PyTorch arrays it goes through the engine's native calls by handle
 * ({@link PyTorchTensors}: no {@code Shape} built with streams, no {@code Device} lookup, no reflection), and falls
 * back to DJL's public methods (by reflection) for other engines, for tensors that are not dense contiguous CPU
 * memory, and when DJL's internals are not as expected. Callers fetch the {@link #handle} once per array and pass it
 * to the other methods.
 */
final class NdArrayAccess {
    private final Method dataType;
    private final Method shape;
    private final Method shapeArray;
    private final Method bytes;
    /** PyTorch arrays whose engine internals were found; null otherwise. */
    private final PyTorchTensors torch;
    private final Map<Object, Optional<DType>> dtypes = new ConcurrentHashMap<>();

    private NdArrayAccess(Class<?> ndArrayClass, Consumer<String> slowPath) throws ReflectiveOperationException {
        dataType = accessible(ndArrayClass.getMethod("getDataType"));
        shape = accessible(ndArrayClass.getMethod("getShape"));
        shapeArray = accessible(shape.getReturnType().getMethod("getShape"));
        bytes = accessible(ndArrayClass.getMethod("toByteBuffer", boolean.class));
        torch = PyTorchTensors.find(ndArrayClass, slowPath);
    }

    /**
     * Access for {@code ndArrayClass}; an IllegalStateException if it is not a DJL NDArray. {@code slowPath} hears,
     * once, why PyTorch arrays of this class cannot be read directly, when that is so.
     */
    static NdArrayAccess of(Class<?> ndArrayClass, Consumer<String> slowPath) {
        try {
            return new NdArrayAccess(ndArrayClass, slowPath);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(ndArrayClass + " is not a DJL NDArray: " + e, e);
        }
    }

    /** True where arrays of this class are read through the PyTorch engine by handle. */
    boolean readsDirectly() {
        return torch != null;
    }

    /** The native handle where the array is read directly (PyTorch), else 0. */
    long handle(Object array) {
        return torch == null ? 0 : torch.handle(array);
    }

    /** The stream's dtype for the array's DJL DataType; null where the stream has none. */
    DType dtype(Object array, long handle) throws ReflectiveOperationException {
        if (torch != null) return torch.dtype(handle);
        return dtypes.computeIfAbsent(dataType.invoke(array), d -> Optional.ofNullable(dtype(String.valueOf(d))))
                .orElse(null);
    }

    long[] shape(Object array, long handle) throws ReflectiveOperationException {
        if (torch != null) return torch.shape(handle);
        return (long[]) shapeArray.invoke(shape.invoke(array));
    }

    /**
     * The array's bytes: a direct view of native memory for a dense contiguous CPU tensor, else DJL's
     * {@code toByteBuffer(true)} (which copies other tensors to contiguous CPU memory first).
     */
    ByteBuffer bytes(Object array, long handle) throws ReflectiveOperationException {
        if (torch != null) {
            ByteBuffer b = torch.denseCpuBytes(handle);
            if (b != null) return b;
        }
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
