package io.tokenpath.capture.pipeline;

/**
 * One frame's place in the ring. The ring hands a slot to a producer (RESERVED), the producer copies the tensor
 * and marks it FILLED (tensors) or READY (token and metadata frames, already complete), an encoder turns FILLED into
 * READY, and the writer writes READY slots in ring order and frees them. Objects are pooled: no allocation per frame.
 */
final class RingSlot {
    static final int FREE = 0, RESERVED = 1, FILLED = 2, ENCODING = 3, READY = 4;

    int state = FREE;
    /** Offset of the frame in the ring's range (placement). */
    int offset;
    /** The ring segment holding the frame, and the frame's offset inside it (copying, encoding, writing). */
    java.nio.ByteBuffer buffer;
    int at;
    /** Bytes reserved (6-byte frame header, name, tensor header, source payload). */
    int reserved;
    /** Bytes skipped before this frame: the short end of a segment or of the ring (freed with it). */
    int skipped;
    /** Bytes of the finished frame (set when READY). */
    int frameLength;
    /** Tensor frames: where the payload starts, relative to offset, and the source bytes copied there. */
    int payloadOffset;
    int sourceLength;
    int nameLength;
    io.tokenpath.capture.format.DType dtype;
    long[] shape;
    io.tokenpath.capture.format.SampleSpec sample;
    long requestId;
    int step;
    long timestampNanos;
    boolean isToken;

    void clear() {
        state = FREE;
        buffer = null;
        shape = null;
        sample = null;
        dtype = null;
        isToken = false;
    }
}
