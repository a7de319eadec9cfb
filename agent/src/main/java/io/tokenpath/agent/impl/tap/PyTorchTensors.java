package io.tokenpath.agent.impl.tap;

import io.tokenpath.capture.format.DType;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Reads a PyTorch-engine NDArray through DJL's own JNI library ({@code PyTorchLibrary}) by its native handle: one
 * handle lookup, then dtype, sizes, device, contiguity and a direct view of the bytes, each one native call.
 * On a block's fresh output DJL's public methods do more: {@code getDataType()} and {@code toByteBuffer(true)} each
 * fetch the handle again, resolve a {@code Device} through a map, ask for the layout twice, and all of it went through
 * reflection: in a profile of the tiny sample model that was a third of the tap's time on the application thread
 * (the paired capture bench did not resolve the saving from its run-to-run spread; see docs/performance.md).
 *
 * <p>Only a dense, contiguous CPU tensor is read directly; anything else (GPU, MPS, sparse, MKL-DNN, strided views)
 * returns null from {@link #denseCpuBytes} so the caller uses DJL's {@code toByteBuffer(true)}, which copies it to
 * contiguous CPU memory first. A direct read of GPU memory would crash the JVM, so the device test is exact: type
 * code 0 is {@code kCPU} in both libtorch and DJL's {@code PtDeviceType}. The layout is not asked separately (in
 * situ each native call costs 0.3-0.4 µs, 32 of them per token on the tiny model): a sparse tensor is not
 * contiguous, and DJL's {@code torchDirectByteBuffer} refuses sparse and MKL-DNN tensors with an exception, which
 * sends them to the fallback too ({@code NdArrayAccessTest} checks a sparse one). DJL 0.35.1's native code also
 * refuses non-contiguous tensors, but earlier versions are not known to, so contiguity is still asked; it does not
 * look at the device (disassembled: sparse, MKL-DNN, contiguity, size, then the view), hence the device test here.
 */
final class PyTorchTensors {
    private static final String PT_NDARRAY = "ai.djl.pytorch.engine.PtNDArray";
    private static final String PT_LIBRARY = "ai.djl.pytorch.jni.PyTorchLibrary";
    private static final int DEVICE_CPU = 0;

    private final MethodHandle handle;     // (Object) long: NativeResource.getHandle(), throws once closed
    private final MethodHandle dataType;   // (long) int: DJL DataType ordinal
    private final MethodHandle sizes;      // (long) long[]
    private final MethodHandle device;     // (long) int[] {type, index}
    private final MethodHandle contiguous; // (long) boolean
    private final MethodHandle direct;     // (long) ByteBuffer over the tensor's memory
    /** The stream's dtype for each DJL DataType ordinal; null where the stream has none. */
    private final DType[] dtypes;

    private PyTorchTensors(Class<?> ndArrayClass) throws ReflectiveOperationException {
        Class<?> library = Class.forName(PT_LIBRARY, false, ndArrayClass.getClassLoader());
        Field f = library.getDeclaredField("LIB");
        f.setAccessible(true);
        Object lib = f.get(null);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Method getHandle = ndArrayClass.getMethod("getHandle");
        getHandle.setAccessible(true);
        handle = lookup.unreflect(getHandle).asType(MethodType.methodType(long.class, Object.class));
        dataType = native0(lookup, library, lib, "torchDType", int.class);
        sizes = native0(lookup, library, lib, "torchSizes", long[].class);
        device = native0(lookup, library, lib, "torchDevice", int[].class);
        contiguous = native0(lookup, library, lib, "torchIsContiguous", boolean.class);
        direct = native0(lookup, library, lib, "torchDirectByteBuffer", ByteBuffer.class);
        Object[] constants = ndArrayClass.getMethod("getDataType").getReturnType().getEnumConstants();
        dtypes = new DType[constants.length];
        for (int i = 0; i < constants.length; i++) dtypes[i] = NdArrayAccess.dtype(String.valueOf(constants[i]));
    }

    private static MethodHandle native0(MethodHandles.Lookup lookup, Class<?> library, Object lib, String name,
            Class<?> returns) throws ReflectiveOperationException {
        Method m = library.getDeclaredMethod(name, long.class);
        if (m.getReturnType() != returns) throw new NoSuchMethodException(name + " returns " + m.getReturnType());
        m.setAccessible(true);
        return lookup.unreflect(m).bindTo(lib);
    }

    /**
     * Access for PyTorch arrays of this class, or null when it is not one or DJL's internals are not as expected
     * (another DJL version): then DJL's public methods serve, slower, and {@code unavailable} is told why.
     */
    static PyTorchTensors find(Class<?> ndArrayClass, Consumer<String> unavailable) {
        if (!ndArrayClass.getName().equals(PT_NDARRAY)) return null;
        try {
            return new PyTorchTensors(ndArrayClass);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unavailable.accept("PyTorch arrays are read through DJL's public methods (slower): this DJL's engine"
                    + " internals are not as expected (" + e + ")");
            return null;
        }
    }

    long handle(Object array) {
        try {
            return (long) handle.invokeExact(array);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The stream's dtype, or null where it has none. */
    DType dtype(long h) {
        int ordinal;
        try {
            ordinal = (int) dataType.invokeExact(h);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return ordinal >= 0 && ordinal < dtypes.length ? dtypes[ordinal] : null;
    }

    long[] shape(long h) {
        try {
            return (long[]) sizes.invokeExact(h);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A native-order view of a dense, contiguous CPU tensor's bytes; null for any other tensor. */
    ByteBuffer denseCpuBytes(long h) {
        ByteBuffer view;
        try {
            int[] d = (int[]) device.invokeExact(h);
            if (d.length == 0 || d[0] != DEVICE_CPU) return null;
            if (!(boolean) contiguous.invokeExact(h)) return null;
            view = (ByteBuffer) direct.invokeExact(h);
        } catch (RuntimeException e) {
            return null; // DJL refuses a direct view of MKL-DNN (and sparse) tensors: its own copy serves
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return view.order(ByteOrder.nativeOrder());
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException) return (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
        return new IllegalStateException("PyTorch tensor access failed: " + t, t);
    }
}
