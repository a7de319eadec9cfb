package io.tokenpath.capture.read;

import io.tokenpath.capture.codec.PayloadDecoder;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.TensorHeader;

/** A decoded tensor frame: the raw payload (exact bytes for lossless frames) and its float view. */
public final class DecodedTensor {
    private final Frame frame;
    private final TensorHeader header;
    private final byte[] raw;
    private float[] floats;

    DecodedTensor(Frame frame, TensorHeader header, byte[] raw) {
        this.frame = frame;
        this.header = header;
        this.raw = raw;
    }

    public String name() { return frame.name(); }

    public Frame frame() { return frame; }

    public TensorHeader header() { return header; }

    public long[] shape() { return header.shape(); }

    public long requestId() { return header.requestId(); }

    public int step() { return header.step(); }

    /** Payload bytes after the transform: for lossless frames, exactly the bytes the producer gave. */
    public byte[] rawBytes() { return raw.clone(); }

    /** Values as float32 (after the inverse transform for lossy frames). */
    public float[] floats() throws StreamFormatException {
        if (floats == null) floats = PayloadDecoder.toFloats(header, raw);
        return floats.clone();
    }
}
