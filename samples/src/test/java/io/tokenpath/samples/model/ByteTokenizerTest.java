package io.tokenpath.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

class ByteTokenizerTest {

    @Test
    void roundTripsAnyValidText() {
        String text = "ASCII, é, 東京, and 🚀\n";
        long[] ids = ByteTokenizer.encode(text);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, ids.length);
        assertEquals(text, ByteTokenizer.decode(ids));
    }

    @Test
    void streamingReleasesACharacterWithItsLastByte() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        long[] ids = ByteTokenizer.encode("é!");
        assertEquals("", decoder.next(ids[0]));
        assertEquals("é", decoder.next(ids[1]));
        assertEquals("!", decoder.next(ids[2]));
        assertEquals("", decoder.finish());
    }

    @Test
    void malformedBytesBecomeReplacementCharacters() {
        assertEquals("\uFFFD", ByteTokenizer.decode(new long[] {0x80})); // stray continuation
        assertEquals("\uFFFDA", ByteTokenizer.decode(new long[] {0xC3, 'A'})); // cut short
        assertEquals("\uFFFD", ByteTokenizer.decode(new long[] {0xE2, 0x82})); // unfinished at the end
        assertEquals("\uFFFD", ByteTokenizer.decode(new long[] {0xE0, 0x80, 0x80})); // overlong
        assertEquals("\uFFFD", ByteTokenizer.decode(new long[] {0xFF}));
    }

    @Test
    void idsOutsideTheByteRangeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Utf8StreamDecoder().next(256));
        assertEquals("token id 256 is outside the byte vocabulary 0..255", e.getMessage());
    }
}
