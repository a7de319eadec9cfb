package io.tokenpath.capture.codec;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.Transform;

/**
 * How tensor payloads are encoded: an optional lossy transform (float32 sources only), an optional byte-shuffle,
 * then a lossless codec.
 */
public record Encoding(Codec codec, boolean shuffle, Transform transform, int int8Block, int zstdLevel) {
    public static final int DEFAULT_INT8_BLOCK = 64;
    public static final int DEFAULT_ZSTD_LEVEL = 3;

    public Encoding {
        if (codec == null || transform == null) throw new IllegalArgumentException("codec and transform are required");
        if (transform == Transform.INT8_BLOCK && (int8Block < Transforms.MIN_BLOCK || int8Block > 1 << 20)) {
            throw new IllegalArgumentException("int8 block size " + int8Block + " outside " + Transforms.MIN_BLOCK
                    + ".." + (1 << 20));
        }
    }

    public static Encoding of(Codec codec, boolean shuffle, Transform transform) {
        return new Encoding(codec, shuffle, transform, DEFAULT_INT8_BLOCK, DEFAULT_ZSTD_LEVEL);
    }

    public Encoding withCodec(Codec c) { return new Encoding(c, shuffle, transform, int8Block, zstdLevel); }

    public Encoding withShuffle(boolean s) { return new Encoding(codec, s, transform, int8Block, zstdLevel); }

    public Encoding withTransform(Transform t) { return new Encoding(codec, shuffle, t, int8Block, zstdLevel); }

    public Encoding withInt8Block(int b) { return new Encoding(codec, shuffle, transform, b, zstdLevel); }

    public Encoding withZstdLevel(int l) { return new Encoding(codec, shuffle, transform, int8Block, l); }

    @Override
    public String toString() {
        return (transform == Transform.NONE ? "" : transform.lowerName() + "+") + (shuffle ? "shuffle+" : "")
                + codec.lowerName();
    }
}
