package io.tokenpath.capture.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Token texts that concatenate to the text of the whole sequence, whatever the tokens cut. */
class Utf8AssemblerTest {

    @Test
    void aCharacterSplitAcrossTokensComesWithItsLastByte() {
        Utf8Assembler a = new Utf8Assembler();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        assertEquals("a", a.next(new byte[] {'a'}));
        assertEquals("", a.next(new byte[] {euro[0]}));
        assertEquals(1, a.pendingBytes());
        assertEquals("", a.next(new byte[] {euro[1]}));
        assertEquals("€b", a.next(new byte[] {euro[2], 'b'}));
        assertEquals(0, a.pendingBytes());
    }

    @Test
    void malformedBytesBecomeReplacementAsTheWholeDecodeGivesThem() {
        Utf8Assembler a = new Utf8Assembler();
        assertEquals("\uFFFD", a.next(new byte[] {(byte) 0xFF}));
        assertEquals("", a.next(new byte[] {(byte) 0xE2}));
        assertEquals("\uFFFDx", a.next(new byte[] {'x'}), "a character cut short");
    }

    @Test
    void anyBytesCutAnywhereConcatenateToTheWholeDecode() {
        Random r = new Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] all = new byte[r.nextInt(40)];
            for (int i = 0; i < all.length; i++) {
                // Mostly text-like bytes, with lead and continuation bytes often enough to cut characters.
                int kind = r.nextInt(4);
                all[i] = (byte) (kind == 0 ? r.nextInt(256) : kind == 1 ? 0x80 + r.nextInt(64) : kind == 2 ? 0xC2 + r.nextInt(51) : 'a' + r.nextInt(26));
            }
            Utf8Assembler a = new Utf8Assembler();
            StringBuilder text = new StringBuilder();
            int at = 0;
            while (at < all.length) {
                int len = 1 + r.nextInt(Math.min(4, all.length - at));
                text.append(a.next(Arrays.copyOfRange(all, at, at + len)));
                at += len;
            }
            byte[] tail = Arrays.copyOfRange(all, all.length - a.pendingBytes(), all.length);
            assertEquals(new String(all, StandardCharsets.UTF_8), text + new String(tail, StandardCharsets.UTF_8),
                    "bytes " + Arrays.toString(all));
        }
    }
}
