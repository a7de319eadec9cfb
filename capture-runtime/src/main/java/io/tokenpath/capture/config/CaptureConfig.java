package io.tokenpath.capture.config;

import io.tokenpath.capture.codec.Encoding;
import io.tokenpath.capture.codec.PayloadEncoder;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.Transform;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a capture needs, validated once. Build from a preset and override:
 * {@code CaptureConfig.builder(Preset.BALANCED).output(p).codec(Codec.ZSTD).maxMemory(1L << 30).build()}, or from
 * the agent's key/value pairs with {@link Builder#set(String, String)}.
 *
 * <p>Memory: {@code maxMemory} is a hard budget for the ring plus every encoder's scratch buffers. The ring gets
 * what the encoders do not reserve; a tensor larger than {@code maxTensorBytes} is dropped (reason
 * {@code too_large}), never split or buffered elsewhere.
 */
public final class CaptureConfig {
    /** Keys understood by {@link Builder#set}, with a one-line meaning (docs/capture.md lists defaults). */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("preset", "fast_capture | balanced | max_compression | max | attention_analysis | mlp_analysis");
        k.put("output", "stream file path");
        k.put("codec", "none | lz4 | zstd");
        k.put("shuffle", "true | false: byte-shuffle before the codec");
        k.put("transform", "none | fp16 | bf16 | int8_block (float32 tensors only)");
        k.put("int8_block", "elements per int8 scale block (2..1048576)");
        k.put("zstd_level", "zstd level (1..22; negative = faster)");
        k.put("max_memory", "hard budget for ring + encoder scratch, e.g. 512m");
        k.put("max_tensor", "largest tensor captured, e.g. 64m (bigger ones are dropped as too_large)");
        k.put("threads", "compression threads");
        k.put("policy", "block | drop: what a producer does when the ring is full");
        k.put("granularity", "full_tensor | sampled_slices | attention_only | mlp_only");
        k.put("sample_count", "indices kept along the last axis with sampled_slices");
        k.put("include", "regex a block path must match");
        k.put("exclude", "regex a block path must not match");
        k.put("name_pattern", "regex on a block's own name for attention_only / mlp_only");
        k.put("class_pattern", "regex on a block's simple class name for attention_only / mlp_only");
        k.put("max_depth", "deepest block path captured (segments)");
        k.put("checkpoint_tokens", "fsync + checkpoint every N token frames (0 = never)");
        k.put("resume", "true | false: resume from the checkpoint if one exists");
        k.put("sidecar", "true | false: write {output}_tokens.json on close");
        KEYS = Collections.unmodifiableMap(k);
    }

    private final Preset preset;
    private final Path output;
    private final Encoding encoding;
    private final long maxMemory;
    private final int maxTensorBytes;
    private final int threads;
    private final OverflowPolicy policy;
    private final BlockSelector selector;
    private final int sampleCount;
    private final int checkpointTokens;
    private final boolean resume;
    private final boolean sidecar;
    private final int writeBatchBytes;
    private final Map<String, Object> metadata;

    private CaptureConfig(Builder b) {
        this.preset = b.preset;
        this.output = b.output;
        this.encoding = new Encoding(b.codec, b.shuffle, b.transform, b.int8Block, b.zstdLevel);
        this.maxMemory = b.maxMemory;
        this.threads = b.threads;
        this.policy = b.policy;
        BlockSelector s = BlockSelector.of(b.granularity);
        if (b.namePattern != null || b.classPattern != null) s = s.withFocus(b.namePattern, b.classPattern);
        this.selector = s.withInclude(b.include).withExclude(b.exclude).withMaxDepth(b.maxDepth);
        this.sampleCount = b.sampleCount;
        this.checkpointTokens = b.checkpointTokens;
        this.resume = b.resume;
        this.sidecar = b.sidecar;
        this.writeBatchBytes = b.writeBatchBytes;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
        long maxTensor = b.maxTensor > 0 ? b.maxTensor : Math.min(64L << 20, maxMemory / 8);
        this.maxTensorBytes = (int) Math.min(maxTensor, Integer.MAX_VALUE - 4096);
        validate();
    }

    private void validate() {
        if (output == null) throw new IllegalArgumentException("output: no stream file path given");
        if (threads < 1 || threads > 64) throw new IllegalArgumentException("threads: " + threads + " outside 1..64");
        if (sampleCount < 1) throw new IllegalArgumentException("sample_count: must be >= 1, got " + sampleCount);
        if (checkpointTokens < 0) throw new IllegalArgumentException("checkpoint_tokens: must be >= 0");
        if (maxTensorBytes < 1024) throw new IllegalArgumentException("max_tensor: must be at least 1k");
        long ring = ringBytes();
        if (ring < 2L * maxTensorBytes) {
            throw new IllegalArgumentException("max_memory: " + ByteSize.format(maxMemory) + " leaves a ring of "
                    + ring + " bytes after " + threads + " encoder(s) reserve " + scratchBytes()
                    + "; it must hold two tensors of max_tensor " + ByteSize.format(maxTensorBytes)
                    + " (raise max_memory, or lower max_tensor or threads)");
        }
        if (ring > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max_memory: ring of " + ring + " bytes exceeds the 2 GiB a ring can map");
        }
    }

    /** Bytes all encoders may hold in scratch. */
    public long scratchBytes() {
        return threads * PayloadEncoder.scratchBytes(encoding, maxTensorBytes);
    }

    /** Bytes of the ring itself: the budget less the encoders' scratch. */
    public long ringBytes() {
        return maxMemory - scratchBytes();
    }

    public Preset preset() { return preset; }
    public Path output() { return output; }
    public Encoding encoding() { return encoding; }
    public long maxMemory() { return maxMemory; }
    public int maxTensorBytes() { return maxTensorBytes; }
    public int threads() { return threads; }
    public OverflowPolicy policy() { return policy; }
    public BlockSelector selector() { return selector; }
    public Granularity granularity() { return selector.granularity(); }
    public int sampleCount() { return sampleCount; }
    public int checkpointTokens() { return checkpointTokens; }
    public boolean resume() { return resume; }
    public boolean sidecar() { return sidecar; }
    public int writeBatchBytes() { return writeBatchBytes; }
    public Map<String, Object> metadata() { return metadata; }

    /** The effective settings, for the stream header and for logs. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset.lowerName());
        m.put("encoding", encoding.toString());
        m.put("codec", encoding.codec().lowerName());
        m.put("shuffle", encoding.shuffle());
        m.put("transform", encoding.transform().lowerName());
        if (encoding.transform() == Transform.INT8_BLOCK) m.put("int8_block", encoding.int8Block());
        if (encoding.codec() == Codec.ZSTD) m.put("zstd_level", encoding.zstdLevel());
        m.put("max_memory", maxMemory);
        m.put("ring_bytes", ringBytes());
        m.put("max_tensor", maxTensorBytes);
        m.put("threads", threads);
        m.put("policy", policy.name().toLowerCase(Locale.ROOT));
        m.put("granularity", granularity().name().toLowerCase(Locale.ROOT));
        m.put("selector", selector.toString());
        if (granularity() == Granularity.SAMPLED_SLICES) m.put("sample_count", sampleCount);
        m.put("checkpoint_tokens", checkpointTokens);
        return m;
    }

    public static Builder builder(Preset preset) {
        return new Builder(preset);
    }

    public static Builder builder() {
        return new Builder(Preset.BALANCED);
    }

    public Builder toBuilder() {
        Builder b = new Builder(preset);
        b.output = output;
        b.codec = encoding.codec();
        b.shuffle = encoding.shuffle();
        b.transform = encoding.transform();
        b.int8Block = encoding.int8Block();
        b.zstdLevel = encoding.zstdLevel();
        b.maxMemory = maxMemory;
        b.maxTensor = maxTensorBytes;
        b.threads = threads;
        b.policy = policy;
        b.granularity = granularity();
        b.sampleCount = sampleCount;
        b.checkpointTokens = checkpointTokens;
        b.resume = resume;
        b.sidecar = sidecar;
        b.writeBatchBytes = writeBatchBytes;
        b.metadata.putAll(metadata);
        return b;
    }

    public static final class Builder {
        private Preset preset;
        private Path output;
        private Codec codec;
        private boolean shuffle;
        private Transform transform;
        private int int8Block;
        private int zstdLevel;
        private long maxMemory;
        private long maxTensor;
        private int threads;
        private OverflowPolicy policy;
        private Granularity granularity;
        private int sampleCount = 64;
        private String include;
        private String exclude;
        private String namePattern;
        private String classPattern;
        private int maxDepth = Integer.MAX_VALUE;
        private int checkpointTokens;
        private boolean resume;
        private boolean sidecar = true;
        private int writeBatchBytes = 8 << 20;
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder(Preset p) {
            preset(p);
        }

        /** Resets every preset-controlled field to the preset's values. */
        public Builder preset(Preset p) {
            preset = p;
            codec = p.encoding().codec();
            shuffle = p.encoding().shuffle();
            transform = p.encoding().transform();
            int8Block = p.encoding().int8Block();
            zstdLevel = p.encoding().zstdLevel();
            maxMemory = p.maxMemory();
            threads = p.threads();
            policy = p.policy();
            granularity = p.granularity();
            return this;
        }

        public Builder output(Path p) { output = p; return this; }
        public Builder codec(Codec c) { codec = c; return this; }
        public Builder shuffle(boolean s) { shuffle = s; return this; }
        public Builder transform(Transform t) { transform = t; return this; }
        public Builder int8Block(int b) { int8Block = b; return this; }
        public Builder zstdLevel(int l) { zstdLevel = l; return this; }
        public Builder maxMemory(long bytes) { maxMemory = bytes; return this; }
        public Builder maxTensor(long bytes) { maxTensor = bytes; return this; }
        public Builder threads(int n) { threads = n; return this; }
        public Builder policy(OverflowPolicy p) { policy = p; return this; }
        public Builder granularity(Granularity g) { granularity = g; return this; }
        public Builder sampleCount(int n) { sampleCount = n; return this; }
        public Builder include(String regex) { include = checkedRegex("include", regex); return this; }
        public Builder exclude(String regex) { exclude = checkedRegex("exclude", regex); return this; }
        public Builder focus(String nameRegex, String classRegex) {
            namePattern = checkedRegex("name_pattern", nameRegex);
            classPattern = checkedRegex("class_pattern", classRegex);
            return this;
        }

        /** Patterns are checked when set, so the error names the key that was given. */
        private static String checkedRegex(String key, String regex) {
            if (regex == null || regex.isEmpty()) return regex;
            try {
                java.util.regex.Pattern.compile(regex);
                return regex;
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException(key + ": invalid regex '" + regex + "': " + e.getDescription());
            }
        }
        public Builder maxDepth(int d) { maxDepth = d; return this; }
        public Builder checkpointEveryTokens(int n) { checkpointTokens = n; return this; }
        public Builder resume(boolean r) { resume = r; return this; }
        public Builder sidecar(boolean s) { sidecar = s; return this; }
        public Builder writeBatchBytes(int n) { writeBatchBytes = n; return this; }
        public Builder metadata(String key, Object value) { metadata.put(key, value); return this; }

        /**
         * Sets one key of {@link CaptureConfig#KEYS} from its text form. An unknown key or a bad value throws
         * {@link IllegalArgumentException} with a message that names the key and the valid choices.
         */
        public Builder set(String key, String value) {
            String k = key.trim().toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
            String v = value.trim();
            try {
                switch (k) {
                    case "preset": return preset(Preset.parse(v));
                    case "output": return output(Path.of(v));
                    case "codec": return codec(Codec.parse(v));
                    case "shuffle": return shuffle(bool(v));
                    case "transform": return transform(Transform.parse(v));
                    case "int8_block": return int8Block(Integer.parseInt(v));
                    case "zstd_level": return zstdLevel(Integer.parseInt(v));
                    case "max_memory": return maxMemory(ByteSize.parse(k, v));
                    case "max_tensor": return maxTensor(ByteSize.parse(k, v));
                    case "threads": return threads(Integer.parseInt(v));
                    case "policy": return policy(OverflowPolicy.parse(v));
                    case "granularity": return granularity(Granularity.parse(v));
                    case "sample_count": return sampleCount(Integer.parseInt(v));
                    case "include": return include(v);
                    case "exclude": return exclude(v);
                    case "name_pattern": namePattern = checkedRegex(k, v); return this;
                    case "class_pattern": classPattern = checkedRegex(k, v); return this;
                    case "max_depth": return maxDepth(Integer.parseInt(v));
                    case "checkpoint_tokens": return checkpointEveryTokens(Integer.parseInt(v));
                    case "resume": return resume(bool(v));
                    case "sidecar": return sidecar(bool(v));
                    default:
                        throw new IllegalArgumentException("unknown capture key '" + key + "' (valid: "
                                + String.join(", ", KEYS.keySet()) + ")");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + value + "' is not an integer");
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new IllegalArgumentException(m != null && m.startsWith(key) || m != null && m.startsWith("unknown capture key")
                        ? m : key + ": " + m);
            }
        }

        private static boolean bool(String v) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": case "1": return true;
                case "false": case "no": case "off": case "0": return false;
                default: throw new IllegalArgumentException("'" + v + "' is not a boolean (true or false)");
            }
        }

        /** Validates and freezes; an inconsistent combination throws with a message naming the key. */
        public CaptureConfig build() {
            return new CaptureConfig(this);
        }
    }
}
