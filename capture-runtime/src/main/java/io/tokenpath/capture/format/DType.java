package io.tokenpath.capture.format;

/**
 * Element types a tensor frame can describe. The codes are part of stream format v1 and never change meaning;
 * new types get new codes. Element data is little-endian (as PyTorch, DJL and numpy store it).
 */
public enum DType {
    FLOAT32(0, 4, "<f4", "F32"),
    FLOAT64(1, 8, "<f8", "F64"),
    FLOAT16(2, 2, "<f2", "F16"),
    BFLOAT16(3, 2, null, "BF16"),
    INT8(4, 1, "|i1", "I8"),
    UINT8(5, 1, "|u1", "U8"),
    INT32(6, 4, "<i4", "I32"),
    INT64(7, 8, "<i8", "I64"),
    BOOLEAN(8, 1, "|b1", "BOOL");

    private final int code;
    private final int size;
    private final String numpyDescr;
    private final String safetensorsName;

    DType(int code, int size, String numpyDescr, String safetensorsName) {
        this.code = code;
        this.size = size;
        this.numpyDescr = numpyDescr;
        this.safetensorsName = safetensorsName;
    }

    public int code() { return code; }

    /** Bytes per element. */
    public int size() { return size; }

    /** numpy array-protocol type string, or null where numpy has no native type (bfloat16). */
    public String numpyDescr() { return numpyDescr; }

    public String safetensorsName() { return safetensorsName; }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    private static final DType[] BY_CODE = values();

    public static DType fromCode(int code) throws StreamFormatException {
        if (code < 0 || code >= BY_CODE.length) {
            throw new StreamFormatException("unknown dtype code " + code + " (known 0.." + (BY_CODE.length - 1) + ")");
        }
        return BY_CODE[code];
    }

    /** Parses a name as users write it (float32, fp16, bf16, int64 ...). */
    public static DType parse(String name) {
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "float32": case "fp32": case "f32": case "float": return FLOAT32;
            case "float64": case "fp64": case "f64": case "double": return FLOAT64;
            case "float16": case "fp16": case "f16": case "half": return FLOAT16;
            case "bfloat16": case "bf16": return BFLOAT16;
            case "int8": case "i8": return INT8;
            case "uint8": case "u8": return UINT8;
            case "int32": case "i32": case "int": return INT32;
            case "int64": case "i64": case "long": return INT64;
            case "bool": case "boolean": return BOOLEAN;
            default:
                throw new IllegalArgumentException("unknown dtype '" + name
                        + "' (valid: float32, float64, float16, bfloat16, int8, uint8, int32, int64, boolean)");
        }
    }
}
