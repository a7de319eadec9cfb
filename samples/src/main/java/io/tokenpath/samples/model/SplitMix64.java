package io.tokenpath.samples.model;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by its published constants, so the
 * model weights do not depend on which JDK's {@code Random} implementation happens to run.
 */
public final class SplitMix64 {

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits, exactly representable as a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** 64-bit FNV-1a of a string's chars: a stable way to derive a per-parameter seed from its name. */
    public static long hash(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }
}
