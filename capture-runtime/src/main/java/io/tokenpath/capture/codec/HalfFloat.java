package io.tokenpath.capture.codec;

/**
 * float32 to IEEE 754 binary16 and back, round to nearest even. Java 17 has no {@code Float.floatToFloat16}, and
 * doing it here keeps the result identical on every JDK. Finite values beyond the half range saturate to ±65504
 * instead of becoming infinite, so a frame's measured error stays finite and tells how far off they are.
 */
public final class HalfFloat {
    private HalfFloat() {}

    public static final float MAX_VALUE = 65504f;

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int val = bits & 0x7fff_ffff;
        if (val >= 0x7f80_0000) {
            // Inf stays Inf; NaN stays a quiet NaN carrying the top payload bits.
            return (short) (sign | 0x7c00 | (val > 0x7f80_0000 ? 0x200 | ((val >>> 13) & 0x3ff) : 0));
        }
        if (val >= 0x477f_f000) { // |f| >= 65520 rounds past the largest half: saturate
            return (short) (sign | 0x7bff);
        }
        if (val < 0x3880_0000) { // below 2^-14: subnormal half (or zero)
            if (val < 0x3300_0000) return (short) sign; // < 2^-25 rounds to zero
            int exp = val >>> 23;
            int mant = (val & 0x7f_ffff) | 0x80_0000;
            int shift = 126 - exp;
            int q = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) == 1)) q++;
            return (short) (sign | q);
        }
        int rebased = val - 0x3800_0000; // exponent bias 127 -> 15
        int h = rebased >>> 13;
        int rem = rebased & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) h++;
        return (short) (sign | h);
    }

    public static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
