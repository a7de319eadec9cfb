package io.tokenpath.capture.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.StreamFormatException;

import java.nio.ByteBuffer;

/** Zstandard frames (one per payload) through zstd-jni, with a reusable compression context per thread. */
public final class ZstdCompressor implements BlockCompressor {
    private final int level;
    private ZstdCompressCtx ctx;

    public ZstdCompressor(int level) {
        if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException("zstd level " + level + " outside " + Zstd.minCompressionLevel()
                    + ".." + Zstd.maxCompressionLevel());
        }
        this.level = level;
    }

    @Override
    public Codec codec() { return Codec.ZSTD; }

    @Override
    public int maxCompressedLength(int n) { return (int) Zstd.compressBound(n); }

    @Override
    public int compress(ByteBuffer src, int srcOff, int srcLen, ByteBuffer dst, int dstOff, int dstCap) {
        if (ctx == null) {
            ctx = new ZstdCompressCtx();
            ctx.setLevel(level);
        }
        return ctx.compressDirectByteBuffer(dst, dstOff, dstCap, src, srcOff, srcLen);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int rawLen)
            throws StreamFormatException {
        long n = Zstd.decompressByteArray(dst, dstOff, rawLen, src, srcOff, srcLen);
        if (Zstd.isError(n)) {
            throw new StreamFormatException("zstd payload is corrupt: " + Zstd.getErrorName(n));
        }
        if (n != rawLen) {
            throw new StreamFormatException("zstd payload decodes to " + n + " bytes, header says " + rawLen);
        }
    }

    @Override
    public void close() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }
}
