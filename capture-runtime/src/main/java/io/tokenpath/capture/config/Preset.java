package io.tokenpath.capture.config;

import io.tokenpath.capture.codec.Encoding;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.Transform;

import java.util.Locale;

/**
 * Named starting points (STRAP-LLM's names). Each really changes behaviour; see docs/capture.md for the table.
 * A preset fills a {@link CaptureConfig.Builder}; any field can then be overridden.
 */
public enum Preset {
    /** Least work on the app's path: no compression, never waits (drops, counted), one encoder thread. */
    FAST_CAPTURE(Encoding.of(Codec.NONE, false, Transform.NONE), 256L << 20, OverflowPolicy.DROP, Granularity.FULL_TENSOR, 1),
    /** Default: lossless, shuffle + LZ4, backpressure, two encoder threads. */
    BALANCED(Encoding.of(Codec.LZ4, true, Transform.NONE), 512L << 20, OverflowPolicy.BLOCK, Granularity.FULL_TENSOR, 2),
    /** Smallest files: fp16 (bounded, recorded error) + shuffle + Zstd level 9. */
    MAX_COMPRESSION(new Encoding(Codec.ZSTD, true, Transform.FP16, Encoding.DEFAULT_INT8_BLOCK, 9), 512L << 20, OverflowPolicy.BLOCK, Granularity.FULL_TENSOR, 2),
    /** Highest fidelity, deepest buffering: lossless shuffle + Zstd level 1, 2 GiB budget, backpressure. */
    MAX(new Encoding(Codec.ZSTD, true, Transform.NONE, Encoding.DEFAULT_INT8_BLOCK, 1), 2047L << 20, OverflowPolicy.BLOCK, Granularity.FULL_TENSOR, 2),
    /** Attention blocks only, lossless shuffle + LZ4. */
    ATTENTION_ANALYSIS(Encoding.of(Codec.LZ4, true, Transform.NONE), 512L << 20, OverflowPolicy.BLOCK, Granularity.ATTENTION_ONLY, 2),
    /** MLP / feed-forward blocks only, lossless shuffle + LZ4. */
    MLP_ANALYSIS(Encoding.of(Codec.LZ4, true, Transform.NONE), 512L << 20, OverflowPolicy.BLOCK, Granularity.MLP_ONLY, 2);

    final Encoding encoding;
    final long maxMemory;
    final OverflowPolicy policy;
    final Granularity granularity;
    final int threads;

    Preset(Encoding encoding, long maxMemory, OverflowPolicy policy, Granularity granularity, int threads) {
        this.encoding = encoding;
        this.maxMemory = maxMemory;
        this.policy = policy;
        this.granularity = granularity;
        this.threads = threads;
    }

    public Encoding encoding() { return encoding; }

    public long maxMemory() { return maxMemory; }

    public OverflowPolicy policy() { return policy; }

    public Granularity granularity() { return granularity; }

    public int threads() { return threads; }

    public String lowerName() { return name().toLowerCase(Locale.ROOT); }

    public static Preset parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown capture preset '" + s
                    + "' (valid: fast_capture, balanced, max_compression, max, attention_analysis, mlp_analysis)");
        }
    }
}
