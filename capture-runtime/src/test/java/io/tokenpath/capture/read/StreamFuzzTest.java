package io.tokenpath.capture.read;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 10,000+ mutated streams (bit flips, byte overwrites, extreme length fields, cuts, insertions, spliced frames) of
 * real streams in several encodings. Every one is opened, walked, and every frame decoded. The only acceptable
 * failure is a {@link StreamFormatException} with a message; anything else (an unchecked exception, an
 * OutOfMemoryError from a length taken on trust, an I/O error past the end of the file) fails the test with the
 * seed that reproduces it.
 */
class StreamFuzzTest {
    private static final int MUTANTS_PER_SEED_STREAM = 2_600;

    @TempDir
    Path dir;

    @Test
    void tenThousandMutatedStreamsNeverCrashTheReader() throws Exception {
        byte[][] seeds = {
            SampleStreams.write(dir.resolve("a.stream"), Codec.LZ4, true, Transform.NONE, 11),
            SampleStreams.write(dir.resolve("b.stream"), Codec.ZSTD, true, Transform.FP16, 12),
            SampleStreams.write(dir.resolve("c.stream"), Codec.NONE, false, Transform.INT8_BLOCK, 13),
            SampleStreams.write(dir.resolve("d.stream"), Codec.LZ4, false, Transform.BF16, 14),
        };
        Path p = dir.resolve("mutant.stream");
        int total = 0;
        int rejected = 0;
        int framesDecoded = 0;
        for (int s = 0; s < seeds.length; s++) {
            for (int i = 0; i < MUTANTS_PER_SEED_STREAM; i++) {
                long seed = s * 1_000_003L + i;
                byte[] mutant = mutate(seeds[s], seeds[(s + 1) % seeds.length], new Random(seed));
                Files.write(p, mutant);
                try {
                    Outcome o = readEverything(p);
                    rejected += o.errors;
                    framesDecoded += o.decoded;
                } catch (Throwable t) {
                    fail("mutant seed " + seed + " (stream " + s + ", " + mutant.length + " bytes) escaped as " + t, t);
                }
                total++;
            }
        }
        assertTrue(total >= 10_000);
        // The fuzzer must actually reach the decoders, and must actually break things.
        assertTrue(framesDecoded > total, "decoded frames: " + framesDecoded);
        assertTrue(rejected > total / 4, "rejections: " + rejected);
    }

    private record Outcome(int decoded, int errors) {}

    private static Outcome readEverything(Path p) throws Exception {
        int decoded = 0;
        int errors = 0;
        StreamReader r;
        try {
            r = StreamReader.open(p);
        } catch (StreamFormatException e) {
            assertMessage(e);
            return new Outcome(0, 1);
        }
        try (r) {
            for (Frame f : r) {
                try {
                    switch (f.kind()) {
                        case TENSOR: f.decode().floats(); break;
                        case TOKEN: f.token(); break;
                        case HEADER: break;
                        default: f.json(); break;
                    }
                    decoded++;
                } catch (StreamFormatException e) {
                    assertMessage(e);
                    assertEquals(f.offset(), e.offset(), "frame errors carry the frame's offset: " + e.getMessage());
                    errors++;
                }
            }
            StreamEnd end = r.end();
            assertNotNull(end);
            if (!end.isClean()) errors++;
        }
        return new Outcome(decoded, errors);
    }

    private static void assertMessage(StreamFormatException e) {
        assertNotNull(e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static byte[] mutate(byte[] src, byte[] other, Random rnd) {
        byte[] b = src.clone();
        int ops = 1 + rnd.nextInt(4);
        for (int k = 0; k < ops; k++) {
            switch (rnd.nextInt(7)) {
                case 0: { // bit flip
                    int at = rnd.nextInt(b.length);
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                    break;
                }
                case 1: { // random bytes
                    int at = rnd.nextInt(b.length);
                    int n = Math.min(b.length - at, 1 + rnd.nextInt(8));
                    for (int i = 0; i < n; i++) b[at + i] = (byte) rnd.nextInt(256);
                    break;
                }
                case 2: { // extreme 16- or 32-bit field
                    if (b.length < 4) break;
                    int at = rnd.nextInt(b.length - 3);
                    int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFF, 0xFFFF, 1 << 30};
                    int v = extremes[rnd.nextInt(extremes.length)];
                    if (rnd.nextBoolean()) ByteBuffer.wrap(b).putInt(at, v);
                    else ByteBuffer.wrap(b).putShort(at, (short) v);
                    break;
                }
                case 3: // cut
                    b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                    break;
                case 4: { // insert garbage
                    int at = rnd.nextInt(b.length + 1);
                    byte[] g = new byte[1 + rnd.nextInt(16)];
                    rnd.nextBytes(g);
                    byte[] n = new byte[b.length + g.length];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(g, 0, n, at, g.length);
                    System.arraycopy(b, at, n, at + g.length, b.length - at);
                    b = n;
                    break;
                }
                case 5: { // splice in a run of another valid stream (a frame with another codec's payload)
                    int from = rnd.nextInt(other.length);
                    int len = Math.min(other.length - from, 1 + rnd.nextInt(200));
                    int at = rnd.nextInt(b.length);
                    System.arraycopy(other, from, b, at, Math.min(len, b.length - at));
                    break;
                }
                default: { // a frame's data_len made to point exactly at the end of the file
                    if (b.length < 6) break;
                    int at = rnd.nextInt(b.length - 5);
                    ByteBuffer.wrap(b).putInt(at + 2, b.length - at - 6 - (rnd.nextInt(3)));
                    break;
                }
            }
            if (b.length == 0) break;
        }
        return b;
    }
}
