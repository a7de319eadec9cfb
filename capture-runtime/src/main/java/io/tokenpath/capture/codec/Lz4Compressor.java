package io.tokenpath.capture.codec;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.StreamFormatException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;

/**
 * LZ4 block format (no frame, no checksum: the tensor header carries the CRC32C). Uses the fastest implementation
 * available and says which one: if the JNI library cannot load (relocated classes, say), lz4-java silently falls
 * back to pure Java, and a silent 3x slowdown is the kind of thing that must be visible.
 */
public final class Lz4Compressor implements BlockCompressor {
    private static final LZ4Factory FACTORY = factory();

    private final LZ4Compressor compressor = FACTORY.fastCompressor();
    private final LZ4SafeDecompressor decompressor = FACTORY.safeDecompressor();

    /**
     * lz4-java's fastestInstance() only tries JNI when its Native class belongs to the system class loader or the
     * library is already loaded; inside the agent's isolated loader it would silently pick pure Java (3-10x
     * slower). Loading the library first makes JNI the choice wherever it can load; if it cannot, pure Java it is,
     * and {@link #implementation()} says so.
     */
    private static LZ4Factory factory() {
        try {
            net.jpountz.util.Native.load();
            return LZ4Factory.nativeInstance();
        } catch (Throwable jniUnavailable) {
            return LZ4Factory.fastestJavaInstance();
        }
    }

    /** "JNI", "JavaUnsafe" or "JavaSafe": which lz4-java implementation this process uses. */
    public static String implementation() {
        String s = FACTORY.toString();
        return s.substring(s.indexOf(':') + 1);
    }

    @Override
    public Codec codec() { return Codec.LZ4; }

    @Override
    public int maxCompressedLength(int n) { return compressor.maxCompressedLength(n); }

    @Override
    public int compress(ByteBuffer src, int srcOff, int srcLen, ByteBuffer dst, int dstOff, int dstCap) {
        return compressor.compress(src, srcOff, srcLen, dst, dstOff, dstCap);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int rawLen)
            throws StreamFormatException {
        int n;
        try {
            n = decompressor.decompress(src, srcOff, srcLen, dst, dstOff, rawLen);
        } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
            throw new StreamFormatException("lz4 payload is corrupt: " + e.getMessage());
        }
        if (n != rawLen) {
            throw new StreamFormatException("lz4 payload decodes to " + n + " bytes, header says " + rawLen);
        }
    }
}
