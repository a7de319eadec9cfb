package io.tokenpath.capture.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One sequence's text, token by token: a token's bytes may end in the middle of a UTF-8 character (byte-level and
 * byte-fallback tokenizers split them), so each token yields the characters it completes and keeps the rest for
 * the next. Malformed bytes become U+FFFD exactly as decoding the whole sequence at once would: the concatenated
 * texts equal {@code new String(allBytes, UTF_8)} but for a character still incomplete at the end.
 */
public final class Utf8Assembler {
    private static final byte[] NONE = new byte[0];
    private byte[] pending = NONE;

    /** Feeds one token's bytes; returns the text it completes, possibly empty. */
    public String next(byte[] tokenBytes) {
        byte[] all = pending.length == 0 ? tokenBytes : concat(pending, tokenBytes);
        int complete = completeLength(all);
        pending = complete == all.length ? NONE : Arrays.copyOfRange(all, complete, all.length);
        return complete == 0 ? "" : new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Bytes held for a character not complete yet (at most 3). */
    public int pendingBytes() {
        return pending.length;
    }

    /**
     * The length of the prefix made of whole characters (or bytes that can only be malformed, which decode alike
     * whatever follows): everything but a trailing lead byte still short of its continuation bytes.
     */
    static int completeLength(byte[] a) {
        int n = a.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = a[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) continue; // a continuation byte: its lead is further back
            int need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 1;
            return back < need ? n - back : n;
        }
        return n;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
