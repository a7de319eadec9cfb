package io.tokenpath.samples.model;

/**
 * Turns a stream of byte tokens into text one token at a time, the way a streaming server must: a multi-byte UTF-8
 * character is released only when its last byte arrives (the tokens before it yield ""), and a malformed byte
 * becomes U+FFFD at once. Streaming and whole-sequence decoding share this class, so the concatenated stream
 * chunks always equal the non-streaming text.
 */
public final class Utf8StreamDecoder {

    private static final String REPLACEMENT = "\uFFFD";

    private int codePoint; // bits collected so far of the pending character
    private int missing; // continuation bytes still expected
    private int min; // smallest code point valid for the pending length (rejects overlong forms)

    /** Feeds one token; returns the text it completes, possibly empty. */
    public String next(long tokenId) {
        int b = ByteTokenizer.checkId(tokenId);
        if (missing > 0) {
            if ((b & 0xC0) == 0x80) {
                codePoint = (codePoint << 6) | (b & 0x3F);
                if (--missing > 0) {
                    return "";
                }
                return emitPending();
            }
            // The pending character was cut short: replace it, then read this byte afresh.
            missing = 0;
            return REPLACEMENT + start(b);
        }
        return start(b);
    }

    /** Ends the stream: an unfinished character becomes U+FFFD. */
    public String finish() {
        if (missing > 0) {
            missing = 0;
            return REPLACEMENT;
        }
        return "";
    }

    private String start(int b) {
        if (b < 0x80) {
            return String.valueOf((char) b);
        }
        if (b >= 0xC2 && b <= 0xDF) {
            return begin(b & 0x1F, 1, 0x80);
        }
        if (b >= 0xE0 && b <= 0xEF) {
            return begin(b & 0x0F, 2, 0x800);
        }
        if (b >= 0xF0 && b <= 0xF4) {
            return begin(b & 0x07, 3, 0x10000);
        }
        return REPLACEMENT; // stray continuation byte, or a lead byte that can only start an invalid sequence
    }

    private String begin(int bits, int continuationBytes, int minimum) {
        codePoint = bits;
        missing = continuationBytes;
        min = minimum;
        return "";
    }

    private String emitPending() {
        int cp = codePoint;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return REPLACEMENT;
        }
        return new String(Character.toChars(cp));
    }
}
