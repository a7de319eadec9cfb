package io.tokenpath.capture.format;

import java.util.Locale;

/**
 * Lossy (or identity) transform applied to float32 tensors before compression. Each frame records which one ran
 * and the largest absolute error it introduced, measured while encoding.
 */
public enum Transform {
    /** Bytes stored as produced. */
    NONE(0),
    /** float32 to IEEE half, round to nearest even; values beyond ±65504 saturate (and the error says so). */
    FP16(1),
    /** float32 to bfloat16 (the upper 16 bits), round to nearest even. */
    BF16(2),
    /** Symmetric int8 per block of {@code block} elements: one float32 scale per block (max|x| / 127). */
    INT8_BLOCK(3);

    private final int code;

    Transform(int code) { this.code = code; }

    public int code() { return code; }

    public static Transform fromCode(int code) throws StreamFormatException {
        for (Transform t : values()) {
            if (t.code == code) return t;
        }
        throw new StreamFormatException("unknown transform code " + code + " (known: 0 none, 1 fp16, 2 bf16, 3 int8_block)");
    }

    public static Transform parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "none": case "lossless": return NONE;
            case "fp16": case "float16": return FP16;
            case "bf16": case "bfloat16": return BF16;
            case "int8": case "int8_block": case "q8": return INT8_BLOCK;
            default:
                throw new IllegalArgumentException("unknown transform '" + name + "' (valid: none, fp16, bf16, int8_block)");
        }
    }

    public boolean isLossy() { return this != NONE; }

    public String lowerName() { return name().toLowerCase(Locale.ROOT); }
}
