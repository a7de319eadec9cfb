package io.tokenpath.capture.read;

import io.tokenpath.capture.codec.PayloadDecoder;
import io.tokenpath.capture.format.StreamFormat;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One frame of a stream: where it is and what it is. Its data is read only when asked for (so skipping a tensor
 * costs nothing), and every decode error names this frame's offset.
 */
public final class Frame {
    private final StreamReader reader;
    private final long offset;
    private final String name;
    private final long dataOffset;
    private final long dataLength;
    private final FrameKind kind;
    private TensorHeader tensorHeader;

    Frame(StreamReader reader, long offset, String name, long dataOffset, long dataLength) {
        this.reader = reader;
        this.offset = offset;
        this.name = name;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
        this.kind = FrameKind.of(name);
    }

    /** Byte offset of the frame's 6-byte header in the file. */
    public long offset() { return offset; }

    public String name() { return name; }

    public FrameKind kind() { return kind; }

    public long dataLength() { return dataLength; }

    /** Bytes the frame takes in the file (header, name and data). */
    public long totalLength() { return dataOffset + dataLength - offset; }

    /** Offset just past this frame. */
    public long endOffset() { return dataOffset + dataLength; }

    public byte[] data() throws IOException {
        if (dataLength > reader.maxFrameBytes()) {
            throw new StreamFormatException("frame '" + name + "' holds " + dataLength
                    + " bytes, more than the reader's limit " + reader.maxFrameBytes(), offset);
        }
        byte[] b = new byte[(int) dataLength];
        reader.source().read(dataOffset, b, 0, b.length);
        return b;
    }

    /** The tensor header (tensor frames only); reads just the header bytes. */
    public TensorHeader tensorHeader() throws IOException {
        requireKind(FrameKind.TENSOR);
        if (tensorHeader == null) {
            int want = (int) Math.min(dataLength, TensorHeader.encodedLength(StreamFormat.MAX_NDIM, null) + 4096);
            byte[] b = new byte[want];
            reader.source().read(dataOffset, b, 0, want);
            try {
                TensorHeader h = TensorHeader.readFrom(ByteBuffer.wrap(b));
                if (h.encodedLength() > want) {
                    // A large sample section: read the whole data once.
                    h = TensorHeader.readFrom(ByteBuffer.wrap(data()));
                }
                tensorHeader = h;
            } catch (StreamFormatException e) {
                throw new StreamFormatException("tensor '" + name + "': " + e.getMessage(), offset, e);
            }
        }
        return tensorHeader;
    }

    /** Decodes a tensor frame: decompress, unshuffle, CRC check, inverse transform. */
    public DecodedTensor decode() throws IOException {
        TensorHeader h = tensorHeader();
        byte[] d = data();
        int payloadOff = h.encodedLength();
        try {
            byte[] raw = PayloadDecoder.decodeRaw(h, d, payloadOff, d.length - payloadOff, reader.maxFrameBytes());
            return new DecodedTensor(this, h, raw);
        } catch (StreamFormatException e) {
            throw new StreamFormatException("tensor '" + name + "': " + e.getMessage(), offset, e);
        }
    }

    public TokenRecord token() throws IOException {
        requireKind(FrameKind.TOKEN);
        try {
            return TokenRecord.decode(ByteBuffer.wrap(data()));
        } catch (StreamFormatException e) {
            throw new StreamFormatException(e.getMessage(), offset, e);
        }
    }

    /** JSON data of the metadata frames (drops, resume, request, end). */
    public Map<String, Object> json() throws IOException {
        if (kind == FrameKind.TENSOR || kind == FrameKind.TOKEN || kind == FrameKind.HEADER) {
            throw new IllegalStateException("frame '" + name + "' is not a JSON frame");
        }
        try {
            return Json.parseObject(new String(data(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new StreamFormatException("frame '" + name + "' has invalid JSON: " + e.getMessage(), offset);
        }
    }

    private void requireKind(FrameKind k) {
        if (kind != k) throw new IllegalStateException("frame '" + name + "' is " + kind + ", not " + k);
    }

    @Override
    public String toString() {
        return "Frame[" + name + " @" + offset + ", " + dataLength + " bytes]";
    }
}
