package io.tokenpath.samples.model;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokenizer: token id {@code i} (0..255) is the byte {@code i} of the UTF-8 encoding. Lossless for any
 * string, no vocabulary file, and the prompt length in tokens is simply its length in UTF-8 bytes, which makes the
 * server's {@code usage} counts checkable by hand.
 */
public final class ByteTokenizer {

    public static final int VOCAB_SIZE = 256;

    private ByteTokenizer() {}

    public static long[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /** Decodes a whole sequence; identical to feeding every id to a {@link Utf8StreamDecoder} and finishing it. */
    public static String decode(long[] ids) {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        StringBuilder out = new StringBuilder(ids.length);
        for (long id : ids) {
            out.append(decoder.next(id));
        }
        return out.append(decoder.finish()).toString();
    }

    static int checkId(long id) {
        if (id < 0 || id >= VOCAB_SIZE) {
            throw new IllegalArgumentException("token id " + id + " is outside the byte vocabulary 0..255");
        }
        return (int) id;
    }
}
