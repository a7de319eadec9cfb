package io.tokenpath.bench;

import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.Transform;

/** One encoding under test: a name for the tables and the settings it puts on a {@link CaptureConfig.Builder}. */
record Mode(String name, Codec codec, boolean shuffle, Transform transform, int int8Block, int zstdLevel) {

    static Mode lossless(String name, Codec codec, boolean shuffle, int zstdLevel) {
        return new Mode(name, codec, shuffle, Transform.NONE, 64, zstdLevel);
    }

    static Mode lossy(String name, Transform t, int block, Codec codec, boolean shuffle, int zstdLevel) {
        return new Mode(name, codec, shuffle, t, block, zstdLevel);
    }

    boolean lossy() {
        return transform != Transform.NONE;
    }

    CaptureConfig.Builder apply(CaptureConfig.Builder b) {
        return b.codec(codec).shuffle(shuffle).transform(transform).int8Block(int8Block).zstdLevel(zstdLevel);
    }

    /** Key-safe form of the name for RESULT lines: {@code shuffle+zstd3} becomes {@code shuffle_zstd3}. */
    String key() {
        return name.replace('+', '_').replace('-', '_');
    }
}
