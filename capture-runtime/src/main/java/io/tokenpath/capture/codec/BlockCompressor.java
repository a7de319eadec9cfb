package io.tokenpath.capture.codec;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.StreamFormatException;

import java.nio.ByteBuffer;

/**
 * One lossless codec over whole payloads ("blocks" in LZ4/Zstd terms, not tensor blocks). Instances are used by
 * one thread at a time: the compression side may hold native contexts.
 */
public interface BlockCompressor extends AutoCloseable {
    Codec codec();

    /** Worst-case compressed size of {@code n} input bytes. */
    int maxCompressedLength(int n);

    /** Compresses direct-buffer ranges; returns the compressed length. */
    int compress(ByteBuffer src, int srcOff, int srcLen, ByteBuffer dst, int dstOff, int dstCap);

    /**
     * Decompresses exactly {@code rawLen} bytes. Corrupt input, or input that does not decode to exactly
     * {@code rawLen} bytes, is a {@link StreamFormatException}; nothing is allocated here.
     */
    void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int rawLen) throws StreamFormatException;

    @Override
    default void close() {}

    static BlockCompressor create(Codec codec, int zstdLevel) {
        switch (codec) {
            case LZ4: return new Lz4Compressor();
            case ZSTD: return new ZstdCompressor(zstdLevel);
            default: throw new IllegalArgumentException("codec " + codec + " has no compressor");
        }
    }
}
