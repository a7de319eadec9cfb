package io.tokenpath.capture.codec;

/**
 * float32 to bfloat16 (the upper 16 bits) with round to nearest even, done in Java because libtorch 2.7.1's CPU
 * {@code toType(BFLOAT16)} aborts the JVM (shared/notes/djl-pytorch.md). Finite values that would round to
 * infinity saturate to the largest bfloat16.
 */
public final class BFloat16 {
    private BFloat16() {}

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            return (short) ((bits >>> 16) | 0x40); // quiet NaN
        }
        if ((bits & 0x7fff_ffff) == 0x7f80_0000) {
            return (short) (bits >>> 16); // infinities are exact
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        if ((rounded & 0x7f80_0000) == 0x7f80_0000) {
            return (short) (((bits >>> 16) & 0x8000) | 0x7f7f); // saturate instead of overflowing
        }
        return (short) (rounded >>> 16);
    }

    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
