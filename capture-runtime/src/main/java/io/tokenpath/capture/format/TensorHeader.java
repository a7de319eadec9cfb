package io.tokenpath.capture.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed header at the start of every tensor frame's data (format v1, all fields big-endian):
 *
 * <pre>
 * off  size  field
 *   0     2  header_len      bytes of this header, shape and sample section included; the payload follows
 *   2     1  codec           0 none, 1 lz4, 2 zstd
 *   3     1  filter          0 none, 1 byte-shuffle (element size of the stored dtype)
 *   4     1  transform       0 none, 1 fp16, 2 bf16, 3 int8_block
 *   5     1  source dtype    see DType codes
 *   6     1  ndim            0..16
 *   7     1  flags           bit 0: sample section present
 *   8     8  request id      i64, -1 when not tied to a request
 *  16     4  step            i32 token step this tensor belongs to (0 = prefill), -1 unknown
 *  20     4  transform param u32: int8_block block size, else 0
 *  24     8  timestamp       i64 nanoseconds since the Unix epoch
 *  32     4  raw_len         u32 payload bytes after the transform, before filter and codec
 *  36     4  crc32c          of those raw_len bytes
 *  40     8  max_abs_error   f64 largest |decoded - source| over the tensor, measured at encode time (0 if lossless)
 *  48  8*nd  shape           i64 per dimension, of the tensor as stored (after sampling)
 *   +     *  sample section  (flag bit 0) u8 axis, u32 original length of that axis, u32 count, count x u32 index
 * </pre>
 */
public record TensorHeader(
        Codec codec,
        boolean shuffled,
        Transform transform,
        DType sourceDType,
        long requestId,
        int step,
        int transformParam,
        long timestampNanos,
        long rawLength,
        int crc32c,
        double maxAbsError,
        long[] shape,
        SampleSpec sample) {

    public TensorHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements of the stored tensor. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Bytes of the stored tensor in its source dtype: what the producer handed over (after sampling). */
    public long sourceByteCount() {
        return Math.multiplyExact(elementCount(), (long) sourceDType.size());
    }

    /** Element type of the stored payload once decompressed (before the inverse transform). */
    public DType storedDType() {
        switch (transform) {
            case FP16: return DType.FLOAT16;
            case BF16: return DType.BFLOAT16;
            case INT8_BLOCK: return DType.INT8;
            default: return sourceDType;
        }
    }

    /** Element size the shuffle filter used (1 means the filter was a no-op). */
    public int shuffleElementSize() {
        return storedDType().size();
    }

    public int encodedLength() {
        return encodedLength(shape.length, sample);
    }

    public static int encodedLength(int ndim, SampleSpec sample) {
        return StreamFormat.TENSOR_FIXED_BYTES + 8 * ndim + (sample == null ? 0 : sample.encodedBytes());
    }

    /** Writes this header at the buffer's position (big-endian regardless of the buffer's order). */
    public void writeTo(ByteBuffer out) {
        ByteOrder saved = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        int len = encodedLength();
        out.putShort((short) len);
        out.put((byte) codec.code());
        out.put((byte) (shuffled ? 1 : 0));
        out.put((byte) transform.code());
        out.put((byte) sourceDType.code());
        out.put((byte) shape.length);
        out.put((byte) (sample != null ? 1 : 0));
        out.putLong(requestId);
        out.putInt(step);
        out.putInt(transformParam);
        out.putLong(timestampNanos);
        out.putInt((int) rawLength);
        out.putInt(crc32c);
        out.putDouble(maxAbsError);
        for (long d : shape) out.putLong(d);
        if (sample != null) {
            int[] idx = sample.indices();
            out.put((byte) sample.axis());
            out.putInt((int) sample.originalLength());
            out.putInt(idx.length);
            for (int i : idx) out.putInt(i);
        }
        out.order(saved);
    }

    /**
     * Parses a header from the start of a frame's data. Every length is checked against {@code data} before use;
     * nothing is allocated from an untrusted size beyond what {@code data} already holds.
     */
    public static TensorHeader readFrom(ByteBuffer data) throws StreamFormatException {
        ByteBuffer in = data.duplicate().order(ByteOrder.BIG_ENDIAN);
        int avail = in.remaining();
        if (avail < StreamFormat.TENSOR_FIXED_BYTES) {
            throw new StreamFormatException("tensor frame data is " + avail + " bytes, shorter than the "
                    + StreamFormat.TENSOR_FIXED_BYTES + "-byte tensor header");
        }
        int headerLen = Short.toUnsignedInt(in.getShort());
        Codec codec = Codec.fromCode(Byte.toUnsignedInt(in.get()));
        int filter = Byte.toUnsignedInt(in.get());
        if (filter > 1) throw new StreamFormatException("unknown filter code " + filter + " (known: 0 none, 1 shuffle)");
        Transform transform = Transform.fromCode(Byte.toUnsignedInt(in.get()));
        DType src = DType.fromCode(Byte.toUnsignedInt(in.get()));
        int ndim = Byte.toUnsignedInt(in.get());
        int flags = Byte.toUnsignedInt(in.get());
        if (ndim > StreamFormat.MAX_NDIM) {
            throw new StreamFormatException("tensor ndim " + ndim + " exceeds the format limit " + StreamFormat.MAX_NDIM);
        }
        if ((flags & ~1) != 0) throw new StreamFormatException("unknown tensor flags 0x" + Integer.toHexString(flags));
        long requestId = in.getLong();
        int step = in.getInt();
        int param = in.getInt();
        long ts = in.getLong();
        long rawLen = Integer.toUnsignedLong(in.getInt());
        int crc = in.getInt();
        double err = in.getDouble();
        int minLen = StreamFormat.TENSOR_FIXED_BYTES + 8 * ndim;
        if (headerLen < minLen || headerLen > avail) {
            throw new StreamFormatException("tensor header_len " + headerLen + " is inconsistent (ndim " + ndim
                    + " needs at least " + minLen + ", frame data holds " + avail + ")");
        }
        long[] shape = new long[ndim];
        for (int i = 0; i < ndim; i++) {
            shape[i] = in.getLong();
            if (shape[i] < 0) throw new StreamFormatException("negative dimension " + shape[i] + " in shape");
        }
        SampleSpec sample = null;
        if ((flags & 1) != 0) {
            if (headerLen < minLen + 9) throw new StreamFormatException("sample flag set but no sample section");
            int axis = Byte.toUnsignedInt(in.get());
            long orig = Integer.toUnsignedLong(in.getInt());
            long count = Integer.toUnsignedLong(in.getInt());
            if (axis >= ndim || count != (ndim == 0 ? 0 : shape[axis]) || minLen + 9 + 4 * count != headerLen) {
                throw new StreamFormatException("sample section inconsistent (axis " + axis + ", count " + count
                        + ", header_len " + headerLen + ")");
            }
            int[] idx = new int[(int) count];
            for (int i = 0; i < count; i++) {
                idx[i] = in.getInt();
                if (idx[i] < 0 || idx[i] >= orig) {
                    throw new StreamFormatException("sample index " + idx[i] + " outside axis length " + orig);
                }
            }
            sample = new SampleSpec(axis, orig, idx);
        } else if (headerLen != minLen) {
            throw new StreamFormatException("tensor header_len " + headerLen + " but ndim " + ndim + " needs " + minLen);
        }
        if (transform != Transform.NONE && src != DType.FLOAT32) {
            throw new StreamFormatException("transform " + transform.lowerName() + " on source dtype " + src
                    + " (transforms apply to float32 only)");
        }
        if (Double.isNaN(err) || err < 0) throw new StreamFormatException("invalid max_abs_error " + err);
        TensorHeader h = new TensorHeader(codec, filter == 1, transform, src, requestId, step, param, ts, rawLen, crc,
                err, shape, sample);
        long expected;
        try {
            expected = expectedRawLength(h);
        } catch (ArithmeticException e) {
            throw new StreamFormatException("tensor shape overflows: " + java.util.Arrays.toString(shape));
        }
        if (expected != rawLen) {
            throw new StreamFormatException("raw_len " + rawLen + " does not match shape " + java.util.Arrays.toString(shape)
                    + " with " + h.storedDType() + " / " + transform.lowerName() + " (expected " + expected + ")");
        }
        return h;
    }

    /** Bytes the raw (transformed, uncompressed) payload must have for this shape, dtype and transform. */
    public static long expectedRawLength(TensorHeader h) throws StreamFormatException {
        long n = h.elementCount();
        if (h.transform == Transform.INT8_BLOCK) {
            if (h.transformParam <= 0) throw new StreamFormatException("int8_block with block size " + h.transformParam);
            long blocks = (n + h.transformParam - 1) / h.transformParam;
            return Math.addExact(Math.multiplyExact(blocks, 4L), n);
        }
        return Math.multiplyExact(n, (long) h.storedDType().size());
    }
}
