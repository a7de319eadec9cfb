package io.tokenpath.capture.text;

import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token ids to the bytes they stand for, read from a Hugging Face {@code tokenizer.json} (the file nearly every
 * model on the Hub ships, whatever its family). Only decoding is needed to give token frames their text, so only
 * the vocabulary, the added tokens and the decoder are read:
 * <ul>
 *   <li>{@code ByteLevel} (GPT-2, Llama 3, Qwen, Mistral's newer tokenizers): every character of a token is one byte
 *       through GPT-2's byte-to-printable-character table;</li>
 *   <li>{@code Metaspace}, or a {@code Sequence} of {@code Replace} / {@code ByteFallback} / {@code Fuse} /
 *       {@code Strip} (SentencePiece models: Llama 2, Mistral, Gemma): {@code ▁} is a space and {@code <0xNN>}
 *       tokens are raw bytes;</li>
 *   <li>no decoder, or {@code WordPiece} (BERT-like): the token's own UTF-8 ({@code ##} continuation marks
 *       removed).</li>
 * </ul>
 * A token is decoded alone: decoders that look at the whole sequence (stripping a leading space once) are applied
 * per token, which is what a streaming server does too. Added tokens ({@code <s>}, {@code <|eot_id|>}, ...) decode
 * to their content.
 */
public final class TokenizerVocabulary {
    private final byte[][] bytesById;
    private final String decoder;

    private TokenizerVocabulary(byte[][] bytesById, String decoder) {
        this.bytesById = bytesById;
        this.decoder = decoder;
    }

    /** @throws IllegalArgumentException naming the file and what in it cannot be used */
    public static TokenizerVocabulary load(Path tokenizerJson) throws IOException {
        String text = Files.readString(tokenizerJson, StandardCharsets.UTF_8);
        Map<String, Object> root;
        try {
            root = Json.parseObject(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(tokenizerJson + " is not JSON: " + e.getMessage());
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(tokenizerJson + ": " + e.getMessage());
        }
    }

    static TokenizerVocabulary parse(Map<String, Object> root) {
        if (!(root.get("model") instanceof Map)) throw new IllegalArgumentException("no \"model\" object (not a tokenizer.json)");
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        Map<Integer, String> tokens = new HashMap<>();
        Object vocab = model.get("vocab");
        if (vocab instanceof Map) {
            ((Map<?, ?>) vocab).forEach((k, v) -> tokens.put(((Number) v).intValue(), (String) k));
        } else if (vocab instanceof List) { // Unigram: [[piece, score], ...], the id is the index
            List<?> pieces = (List<?>) vocab;
            for (int i = 0; i < pieces.size(); i++) tokens.put(i, (String) ((List<?>) pieces.get(i)).get(0));
        } else {
            throw new IllegalArgumentException("model.vocab is neither an object nor a list");
        }
        Decoder decoder = Decoder.of(root.get("decoder"), String.valueOf(model.get("type")));
        Map<Integer, String> added = new HashMap<>();
        if (root.get("added_tokens") instanceof List) {
            for (Object o : (List<?>) root.get("added_tokens")) {
                Map<?, ?> t = (Map<?, ?>) o;
                added.put(((Number) t.get("id")).intValue(), (String) t.get("content"));
            }
        }
        int size = 0;
        for (int id : tokens.keySet()) size = Math.max(size, id + 1);
        for (int id : added.keySet()) size = Math.max(size, id + 1);
        byte[][] bytes = new byte[size][];
        tokens.forEach((id, token) -> bytes[id] = decoder.bytes(token));
        added.forEach((id, content) -> bytes[id] = content.getBytes(StandardCharsets.UTF_8));
        return new TokenizerVocabulary(bytes, decoder.name());
    }

    /** The bytes of token {@code id}, or null when the vocabulary has no such id. */
    public byte[] bytes(int id) {
        return id >= 0 && id < bytesById.length ? bytesById[id] : null;
    }

    /** Ids up to the largest the file names, plus one. */
    public int size() {
        return bytesById.length;
    }

    /** How tokens were decoded ({@code ByteLevel}, {@code Metaspace}, {@code WordPiece}, {@code plain}). */
    public String decoder() {
        return decoder;
    }

    /** One token string to bytes, per decoder family. */
    private interface Decoder {
        byte[] bytes(String token);

        String name();

        static Decoder of(Object spec, String modelType) {
            String type = spec instanceof Map ? String.valueOf(((Map<?, ?>) spec).get("type")) : null;
            if (type == null) return "WordPiece".equals(modelType) ? new WordPiece() : new Plain();
            switch (type) {
                case "ByteLevel":
                    return new ByteLevel();
                case "Metaspace":
                    return new Metaspace(replacement(spec), false);
                case "WordPiece":
                    return new WordPiece();
                case "Sequence":
                    return sequence((Map<?, ?>) spec);
                default:
                    throw new IllegalArgumentException("decoder type '" + type + "' is not supported (ByteLevel, Metaspace, "
                            + "WordPiece, or a Sequence of Replace, ByteFallback, Fuse, Strip)");
            }
        }

        private static Decoder sequence(Map<?, ?> spec) {
            String replacement = null;
            boolean byteFallback = false;
            boolean byteLevel = false;
            for (Object o : (List<?>) spec.get("decoders")) {
                Map<?, ?> d = (Map<?, ?>) o;
                String t = String.valueOf(d.get("type"));
                switch (t) {
                    case "Replace":
                        Object pattern = d.get("pattern");
                        String from = pattern instanceof Map ? (String) ((Map<?, ?>) pattern).get("String") : null;
                        if (from == null || !" ".equals(d.get("content"))) {
                            throw new IllegalArgumentException("a Replace decoder other than '<x>' -> ' ' is not supported");
                        }
                        replacement = from;
                        break;
                    case "ByteFallback":
                        byteFallback = true;
                        break;
                    case "ByteLevel":
                        byteLevel = true;
                        break;
                    case "Metaspace":
                        replacement = replacement(d);
                        break;
                    case "Fuse":
                    case "Strip": // strips a leading space of the whole text once; per token it would eat real spaces
                        break;
                    default:
                        throw new IllegalArgumentException("decoder '" + t + "' in a Sequence is not supported");
                }
            }
            if (byteLevel) return new ByteLevel();
            return new Metaspace(replacement == null ? "\u2581" : replacement, byteFallback);
        }

        private static String replacement(Object spec) {
            Object r = ((Map<?, ?>) spec).get("replacement");
            return r == null ? "\u2581" : r.toString();
        }
    }

    /** GPT-2's table: printable bytes stand for themselves, the other 68 bytes for the code points 256 and up. */
    private static final class ByteLevel implements Decoder {
        private static final int[] BYTE_OF_CHAR = new int[512];

        static {
            java.util.Arrays.fill(BYTE_OF_CHAR, -1);
            int next = 256;
            for (int b = 0; b < 256; b++) {
                boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
                BYTE_OF_CHAR[printable ? b : next++] = b;
            }
        }

        @Override
        public byte[] bytes(String token) {
            byte[] out = new byte[token.length()];
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
                if (b < 0) return token.getBytes(StandardCharsets.UTF_8); // not byte-level text: an added token's
                out[i] = (byte) b;
            }
            return out;
        }

        @Override
        public String name() {
            return "ByteLevel";
        }
    }

    /** SentencePiece: the replacement character is a space; with byte fallback, {@code <0xNN>} is that byte. */
    private static final class Metaspace implements Decoder {
        private final String replacement;
        private final boolean byteFallback;

        Metaspace(String replacement, boolean byteFallback) {
            this.replacement = replacement;
            this.byteFallback = byteFallback;
        }

        @Override
        public byte[] bytes(String token) {
            if (byteFallback && token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
                try {
                    return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
                } catch (NumberFormatException e) {
                    // not a byte token after all: fall through to the text
                }
            }
            return token.replace(replacement, " ").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String name() {
            return byteFallback ? "Metaspace+ByteFallback" : "Metaspace";
        }
    }

    /** BERT-like: {@code ##} marks a piece that continues a word; others start one. */
    private static final class WordPiece implements Decoder {
        @Override
        public byte[] bytes(String token) {
            String t = token.startsWith("##") ? token.substring(2) : " " + token;
            return t.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String name() {
            return "WordPiece";
        }
    }

    /** No decoder: the token as written. */
    private static final class Plain implements Decoder {
        @Override
        public byte[] bytes(String token) {
            return token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String name() {
            return "plain";
        }
    }
}
