package io.tokenpath.capture.read;

import io.tokenpath.capture.format.StreamFormat;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads a tokenpath activation stream lazily: frames are located by their 6-byte headers and their data is read
 * only when asked for. A torn tail or broken framing ends iteration and is reported by {@link #end()}, never
 * thrown from the iterator and never silently ignored; decode errors of one frame throw a
 * {@link StreamFormatException} that names the frame's offset.
 *
 * <pre>{@code
 * try (StreamReader r = StreamReader.open(path)) {
 *     for (Frame f : r) if (f.kind() == FrameKind.TENSOR) { DecodedTensor t = f.decode(); ... }
 *     if (!r.end().isClean()) System.err.println(r.end());
 * }
 * }</pre>
 */
public final class StreamReader implements AutoCloseable, Iterable<Frame> {
    public enum Mode { STREAMED, MAPPED }

    /** Default ceiling on one frame's data read into memory (a corrupt length never allocates more). */
    public static final long DEFAULT_MAX_FRAME_BYTES = 1L << 30;

    private final Path path;
    private final FrameSource source;
    private final StreamHeader header;
    private final long firstFrameOffset;
    private long maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private StreamEnd end;

    private StreamReader(Path path, FrameSource source) throws IOException {
        this.path = path;
        this.source = source;
        try {
            Located first = locate(0);
            if (first.frame == null) {
                throw new StreamFormatException("not a tokenpath stream: " + (first.end.fileSize() == 0 ? "empty file"
                        : first.end.message()), 0);
            }
            this.header = parseHeader(first.frame);
            this.firstFrameOffset = 0;
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    public static StreamReader open(Path path) throws IOException {
        return open(path, Mode.STREAMED);
    }

    public static StreamReader open(Path path, Mode mode) throws IOException {
        FrameSource s = mode == Mode.MAPPED ? new MappedFrameSource(path) : new ChannelFrameSource(path);
        return new StreamReader(path, s);
    }

    public Path path() { return path; }

    public StreamHeader header() { return header; }

    public long fileSize() { return source.size(); }

    long maxFrameBytes() { return maxFrameBytes; }

    FrameSource source() { return source; }

    /** Raises or lowers the largest frame this reader will load into memory. */
    public StreamReader withMaxFrameBytes(long max) {
        this.maxFrameBytes = max;
        return this;
    }

    private StreamHeader parseHeader(Frame f) throws IOException {
        if (!StreamFormat.HEADER_FRAME.equals(f.name())) {
            throw new StreamFormatException("not a tokenpath stream: first frame is '" + abbreviate(f.name())
                    + "', expected '" + StreamFormat.HEADER_FRAME + "' (a STRAP-LLM stream has no header frame)", 0);
        }
        if (f.dataLength() < StreamFormat.HEADER_FIXED_BYTES || f.dataLength() > (16 << 20)) {
            throw new StreamFormatException("header frame data of " + f.dataLength() + " bytes is implausible", 0);
        }
        byte[] d = f.data();
        if (!Arrays.equals(Arrays.copyOf(d, 8), StreamFormat.MAGIC)) {
            throw new StreamFormatException("bad magic in header frame (expected TPSTREAM)", 0);
        }
        ByteBuffer b = ByteBuffer.wrap(d);
        int version = Short.toUnsignedInt(b.getShort(8));
        int flags = Short.toUnsignedInt(b.getShort(10));
        if (version != StreamFormat.VERSION) {
            throw new StreamFormatException("unsupported stream format version " + version + " (this reader reads "
                    + StreamFormat.VERSION + ")", 0);
        }
        Map<String, Object> meta;
        try {
            meta = Json.parseObject(new String(d, StreamFormat.HEADER_FIXED_BYTES, d.length - StreamFormat.HEADER_FIXED_BYTES,
                    StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new StreamFormatException("header metadata is not valid JSON: " + e.getMessage(), 0);
        }
        return new StreamHeader(version, flags, meta);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** Result of looking for a frame at an offset: the frame, or how the stream ends there. */
    private record Located(Frame frame, StreamEnd end) {}

    private Located locate(long pos) throws IOException {
        long size = source.size();
        if (pos == size) return new Located(null, new StreamEnd(StreamEnd.Status.CLEAN, pos, size, "end of file"));
        if (size - pos < StreamFormat.FRAME_HEADER_BYTES) {
            return torn(pos, size, "incomplete frame header: " + (size - pos) + " of 6 bytes");
        }
        byte[] h = new byte[StreamFormat.FRAME_HEADER_BYTES];
        source.read(pos, h, 0, h.length);
        ByteBuffer b = ByteBuffer.wrap(h);
        int nameLen = Short.toUnsignedInt(b.getShort());
        long dataLen = Integer.toUnsignedLong(b.getInt());
        if (nameLen == 0) {
            return new Located(null, new StreamEnd(StreamEnd.Status.CORRUPT, pos, size, "frame with an empty name"));
        }
        long end = pos + StreamFormat.FRAME_HEADER_BYTES + nameLen + dataLen;
        if (end > size) {
            return torn(pos, size, "incomplete frame: declares " + (end - pos) + " bytes, " + (size - pos) + " present");
        }
        byte[] nameBytes = new byte[nameLen];
        source.read(pos + StreamFormat.FRAME_HEADER_BYTES, nameBytes, 0, nameLen);
        String name;
        try {
            CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer cb = dec.decode(ByteBuffer.wrap(nameBytes));
            name = cb.toString();
        } catch (CharacterCodingException e) {
            return new Located(null, new StreamEnd(StreamEnd.Status.CORRUPT, pos, size, "frame name is not valid UTF-8"));
        }
        return new Located(new Frame(this, pos, name, pos + StreamFormat.FRAME_HEADER_BYTES + nameLen, dataLen), null);
    }

    private static Located torn(long pos, long size, String why) {
        return new Located(null, new StreamEnd(StreamEnd.Status.TORN, pos, size, why));
    }

    /** Iterates every frame, the header frame first. The iterator never throws for a torn or corrupt tail. */
    @Override
    public Iterator<Frame> iterator() {
        return new Iterator<>() {
            private long pos = firstFrameOffset;
            private Frame next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next != null) return true;
                if (done) return false;
                try {
                    Located l = locate(pos);
                    if (l.frame == null) {
                        end = l.end;
                        done = true;
                        return false;
                    }
                    next = l.frame;
                    pos = next.endOffset();
                    return true;
                } catch (IOException e) {
                    end = new StreamEnd(StreamEnd.Status.CORRUPT, pos, source.size(), "read failed: " + e.getMessage());
                    done = true;
                    return false;
                }
            }

            @Override
            public Frame next() {
                if (!hasNext()) throw new NoSuchElementException();
                Frame f = next;
                next = null;
                return f;
            }
        };
    }

    public Stream<Frame> frames() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /** How the stream ends. Walks the framing (no data is read) if no iteration has reached the end yet. */
    public StreamEnd end() {
        if (end == null) {
            for (Frame ignored : this) {
                // walking the frame headers is what locates the end
            }
        }
        return end;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
