package io.tokenpath.capture.codec;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.Transform;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encodes one tensor payload in place: transform, CRC32C, shuffle, compress, and the result written back over the
 * source bytes (it is never longer: transforms shrink, and output a codec cannot shrink is stored as is, marked
 * codec none). One instance per compression thread; its two scratch buffers are part of the capture's memory
 * budget ({@link #scratchBytes}).
 */
public final class PayloadEncoder implements AutoCloseable {

    /** What {@link #encode} did; reused across calls to keep the worker loop allocation-free. */
    public static final class Result {
        public Codec codec;
        public boolean shuffled;
        public Transform transform;
        public int transformParam;
        public int rawLength;
        public int crc32c;
        public double maxAbsError;
        public int payloadLength;
    }

    private final Encoding encoding;
    private final BlockCompressor compressor;
    private final int maxTensorBytes;
    private final CRC32C crc = new CRC32C();
    private final ByteShuffle shuffler = new ByteShuffle();
    private ByteBuffer transformed; // transform output, or shuffle output when there is no transform
    private ByteBuffer compressed;

    public PayloadEncoder(Encoding encoding, int maxTensorBytes) {
        this.encoding = encoding;
        this.maxTensorBytes = maxTensorBytes;
        this.compressor = encoding.codec() == Codec.NONE ? null
                : BlockCompressor.create(encoding.codec(), encoding.zstdLevel());
    }

    /** Scratch memory one encoder may hold for tensors up to {@code maxTensorBytes}. */
    public static long scratchBytes(Encoding encoding, int maxTensorBytes) {
        if (encoding.codec() == Codec.NONE && encoding.transform() == Transform.NONE) return 0;
        long bound = encoding.codec() == Codec.NONE ? 0
                : BlockCompressor.create(encoding.codec(), encoding.zstdLevel()).maxCompressedLength(maxTensorBytes);
        return maxTensorBytes + bound;
    }

    /**
     * Encodes {@code buf[off, off+len)}, a tensor of {@code dtype}, in place.
     * The caller guarantees {@code len <= maxTensorBytes}.
     */
    public void encode(ByteBuffer buf, int off, int len, DType dtype, Result r) {
        Transform t = encoding.transform() != Transform.NONE && dtype == DType.FLOAT32 ? encoding.transform()
                : Transform.NONE;
        int n = len / dtype.size();
        ByteBuffer raw;
        int rawOff;
        int rawLen;
        r.transform = t;
        r.transformParam = t == Transform.INT8_BLOCK ? encoding.int8Block() : 0;
        if (t != Transform.NONE) {
            rawLen = (int) Transforms.transformedLength(t, n, encoding.int8Block());
            ByteBuffer a = transformed(rawLen);
            r.maxAbsError = Transforms.forward(t, buf, off, n, a, 0, encoding.int8Block());
            raw = a;
            rawOff = 0;
        } else {
            r.maxAbsError = 0;
            rawLen = len;
            raw = buf;
            rawOff = off;
        }
        r.rawLength = rawLen;
        r.crc32c = crc32c(raw, rawOff, rawLen);

        int elem = t == Transform.NONE ? dtype.size() : (t == Transform.INT8_BLOCK ? 1 : 2);
        if (compressor == null) {
            if (raw != buf) buf.put(off, raw, rawOff, rawLen);
            stored(r, rawLen);
            return;
        }
        ByteBuffer src = raw;
        int srcOff = rawOff;
        boolean shuffle = encoding.shuffle() && elem > 1;
        if (shuffle) {
            // Shuffle into whichever buffer is free: the source bytes once transformed, else the scratch.
            if (raw == buf) {
                src = transformed(rawLen);
                srcOff = 0;
            } else {
                src = buf;
                srcOff = off;
            }
            shuffler.shuffle(raw, rawOff, rawLen, src, srcOff, elem);
        }
        ByteBuffer c = compressed(compressor.maxCompressedLength(rawLen));
        int clen = compressor.compress(src, srcOff, rawLen, c, 0, c.capacity());
        if (clen < rawLen) {
            buf.put(off, c, 0, clen);
            r.codec = compressor.codec();
            r.shuffled = shuffle;
            r.payloadLength = clen;
        } else {
            // Incompressible: store the raw bytes. When raw is the scratch it still holds them unshuffled; when raw
            // is buf, the shuffle went to the scratch and buf was never touched.
            if (raw != buf) buf.put(off, raw, rawOff, rawLen);
            stored(r, rawLen);
        }
    }

    private static void stored(Result r, int rawLen) {
        r.codec = Codec.NONE;
        r.shuffled = false;
        r.payloadLength = rawLen;
    }

    private int crc32c(ByteBuffer b, int off, int len) {
        crc.reset();
        ByteBuffer d = b.duplicate();
        d.limit(off + len).position(off);
        crc.update(d);
        return (int) crc.getValue();
    }

    private ByteBuffer transformed(int need) {
        if (transformed == null || transformed.capacity() < need) transformed = ByteBuffer.allocateDirect(grow(need, maxTensorBytes));
        return transformed;
    }

    private ByteBuffer compressed(int need) {
        if (compressed == null || compressed.capacity() < need) {
            compressed = ByteBuffer.allocateDirect(Math.max(need, grow(need, compressor.maxCompressedLength(maxTensorBytes))));
        }
        return compressed;
    }

    /** Scratch grows in powers of two up to its budgeted maximum, so small tensors keep RSS small. */
    private static int grow(int need, int max) {
        int cap = Integer.highestOneBit(Math.max(need, 4096) - 1) << 1;
        return Math.max(need, Math.min(cap, max));
    }

    @Override
    public void close() {
        if (compressor != null) compressor.close();
    }
}
