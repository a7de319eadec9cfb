package io.tokenpath.capture.codec;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The fast 4-byte transpose equals the bytewise definition, and unshuffle inverts both, at awkward lengths. */
class ByteShuffleTest {
    @Test
    void transposeEqualsDefinitionAndUnshuffleInverts() {
        Random rnd = new Random(3);
        ByteShuffle fast = new ByteShuffle();
        for (int elem : new int[] {1, 2, 4, 8}) {
            for (int len : new int[] {0, 1, 3, 4, 15, 16, 17, 4 * 16384 - 4, 4 * 16384 + 4 * 5 + 3, 200_003}) {
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                ByteBuffer src = ByteBuffer.allocateDirect(len + 7);
                src.put(3, data);
                ByteBuffer a = ByteBuffer.allocateDirect(len + 5);
                ByteBuffer b = ByteBuffer.allocateDirect(len + 5);
                ByteShuffle.shuffleBytewise(src, 3, len, a, 2, elem);
                fast.shuffle(src, 3, len, b, 2, elem);
                assertEquals(a, b, "elem " + elem + " len " + len);
                byte[] shuffled = new byte[len];
                b.get(2, shuffled);
                byte[] back = new byte[len];
                ByteShuffle.unshuffle(shuffled, 0, len, back, 0, elem);
                assertArrayEquals(data, back, "unshuffle inverts, elem " + elem + " len " + len);
            }
        }
    }
}
