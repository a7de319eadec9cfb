package io.tokenpath.capture.read;

import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Truncation, flipped bits, absurd lengths, wrong magic and version: clear errors with offsets, never a crash. */
class CorruptInputTest {
    @TempDir
    Path dir;

    private record Span(long offset, long end, String name, FrameKind kind) {}

    private List<Span> frames(Path p) throws Exception {
        List<Span> l = new ArrayList<>();
        try (StreamReader r = StreamReader.open(p)) {
            for (Frame f : r) l.add(new Span(f.offset(), f.endOffset(), f.name(), f.kind()));
            assertTrue(r.end().isClean());
        }
        return l;
    }

    @Test
    void truncationAtEveryByteIsReportedAsTornAtTheCutFrame() throws Exception {
        Path good = dir.resolve("good.stream");
        byte[] bytes = SampleStreams.write(good, Codec.LZ4, true, Transform.NONE, 1);
        List<Span> spans = frames(good);
        long headerEnd = spans.get(0).end();
        Path cut = dir.resolve("cut.stream");
        for (int len = 0; len < bytes.length; len++) {
            Files.write(cut, Arrays.copyOf(bytes, len));
            if (len < headerEnd) {
                StreamFormatException e = assertThrows(StreamFormatException.class, () -> StreamReader.open(cut).close());
                assertEquals(0, e.offset(), e.getMessage());
                continue;
            }
            try (StreamReader r = StreamReader.open(cut)) {
                long complete = r.frames().count();
                StreamEnd end = r.end();
                final int l = len;
                Span cutFrame = spans.stream().filter(s -> s.offset() <= l && l < s.end()).findFirst().orElseThrow();
                if (cutFrame.offset() == len) {
                    assertEquals(StreamEnd.Status.CLEAN, end.status(), "cut at a frame boundary " + len);
                } else {
                    assertEquals(StreamEnd.Status.TORN, end.status(), "cut at " + len);
                    assertEquals(cutFrame.offset(), end.offset(), "torn frame starts where the cut frame starts");
                    assertEquals(len - cutFrame.offset(), end.trailingBytes());
                }
                assertEquals(spans.indexOf(cutFrame), complete);
            }
        }
    }

    @Test
    void flippedPayloadBitIsACrcOrCodecErrorAtThatFrame() throws Exception {
        for (Codec codec : Codec.values()) {
            Path good = dir.resolve("flip-" + codec + ".stream");
            byte[] bytes = SampleStreams.write(good, codec, codec != Codec.NONE, Transform.NONE, 2);
            Span tensor = frames(good).stream().filter(s -> s.kind() == FrameKind.TENSOR).skip(2).findFirst().orElseThrow();
            byte[] bad = bytes.clone();
            int at = (int) tensor.end() - 3; // inside the payload
            bad[at] ^= 0x10;
            Path p = dir.resolve("flipped-" + codec + ".stream");
            Files.write(p, bad);
            try (StreamReader r = StreamReader.open(p)) {
                Frame f = r.frames().filter(x -> x.offset() == tensor.offset()).findFirst().orElseThrow();
                StreamFormatException e = assertThrows(StreamFormatException.class, f::decode);
                assertEquals(tensor.offset(), e.offset(), e.getMessage());
                assertTrue(e.getMessage().contains(tensor.name()), e.getMessage());
                assertTrue(r.end().isClean(), "a payload error does not break the framing");
            }
        }
    }

    @Test
    void absurdLengthsAreRejectedWithoutAllocating() throws Exception {
        Path good = dir.resolve("len.stream");
        byte[] bytes = SampleStreams.write(good, Codec.LZ4, false, Transform.NONE, 3);
        List<Span> spans = frames(good);
        Span mid = spans.get(4);

        byte[] hugeData = bytes.clone();
        ByteBuffer.wrap(hugeData).putInt((int) mid.offset() + 2, 0xFFFF_FFFF);
        StreamEnd end = endOf(hugeData);
        assertEquals(StreamEnd.Status.TORN, end.status());
        assertEquals(mid.offset(), end.offset());
        assertTrue(end.message().contains("declares"), end.message());

        byte[] emptyName = bytes.clone();
        ByteBuffer.wrap(emptyName).putShort((int) mid.offset(), (short) 0);
        end = endOf(emptyName);
        assertEquals(StreamEnd.Status.CORRUPT, end.status());
        assertEquals(mid.offset(), end.offset());

        // A tensor whose header claims a shape of 2^29 float32 (2 GiB) behind a small LZ4 payload.
        Span tensor = spans.stream().filter(s -> s.kind() == FrameKind.TENSOR).findFirst().orElseThrow();
        int hdr = (int) tensor.offset() + 6 + tensor.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        byte[] huge = bytes.clone();
        ByteBuffer hb = ByteBuffer.wrap(huge);
        hb.put(hdr + 6, (byte) 1);            // ndim 3 -> 1: header_len no longer matches the dimensions claimed
        StreamFormatException e = decodeError(huge, tensor.offset());
        assertTrue(e.getMessage().contains("header_len") || e.getMessage().contains("inconsistent"), e.getMessage());

        huge = bytes.clone();
        hb = ByteBuffer.wrap(huge);
        hb.putLong(hdr + 48, 1L << 29);        // first dim of [1, 3, 32] -> [2^29, 3, 32]
        hb.putInt(hdr + 32, (int) ((1L << 29) * 3 * 32 * 4)); // raw_len wraps u32: must not match
        e = decodeError(huge, tensor.offset());
        assertTrue(e.getMessage().contains("raw_len"), e.getMessage());

        huge = bytes.clone();
        hb = ByteBuffer.wrap(huge);
        hb.putLong(hdr + 48, 1L << 22);        // [2^22, 3, 32] float32 = 1.5 GiB with a matching raw_len
        hb.putInt(hdr + 32, (int) ((1L << 22) * 3 * 32 * 4));
        e = decodeError(huge, tensor.offset());
        assertTrue(e.getMessage().contains("decode limit") || e.getMessage().contains("cannot decode"), e.getMessage());
    }

    private StreamEnd endOf(byte[] bytes) throws Exception {
        Path p = dir.resolve("mut.stream");
        Files.write(p, bytes);
        try (StreamReader r = StreamReader.open(p)) {
            return r.end();
        }
    }

    private StreamFormatException decodeError(byte[] bytes, long frameOffset) throws Exception {
        Path p = dir.resolve("mut.stream");
        Files.write(p, bytes);
        try (StreamReader r = StreamReader.open(p)) {
            Frame f = r.frames().filter(x -> x.offset() == frameOffset).findFirst().orElseThrow();
            StreamFormatException e = assertThrows(StreamFormatException.class, f::decode);
            assertEquals(frameOffset, e.offset());
            return e;
        }
    }

    @Test
    void wrongMagicWrongVersionAndStrapStreamsAreNamed() throws Exception {
        Path good = dir.resolve("magic.stream");
        byte[] bytes = SampleStreams.write(good, Codec.NONE, false, Transform.NONE, 4);
        int dataAt = 6 + "__tokenpath".length();

        byte[] magic = bytes.clone();
        magic[dataAt] = 'X';
        assertOpenFails(magic, "bad magic");

        byte[] version = bytes.clone();
        ByteBuffer.wrap(version).putShort(dataAt + 8, (short) 7);
        assertOpenFails(version, "unsupported stream format version 7");

        ByteBuffer strap = ByteBuffer.allocate(64);
        strap.putShort((short) 7).putInt(4).put("lm_head".getBytes()).putInt(42);
        assertOpenFails(Arrays.copyOf(strap.array(), strap.position()), "STRAP-LLM");

        assertOpenFails(new byte[0], "empty file");
    }

    private void assertOpenFails(byte[] bytes, String expected) throws Exception {
        Path p = dir.resolve("open.stream");
        Files.write(p, bytes);
        StreamFormatException e = assertThrows(StreamFormatException.class, () -> StreamReader.open(p).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(0, e.offset());
    }
}
