package io.tokenpath.capture.pipeline;

/**
 * One frame's place in the ring. The ring hands a slot to a producer (RESERVED), the producer copies the tensor
 * and marks it FILLED (tensors) or READY (token and metadata frames, already complete), an encoder turns FILLED into
 * READY, and the writer writes READY slots in ring order and frees them. Objects are pooled: no allocation per frame.
 */
final class RingSlot {
    static final int FREE = 0, RESERVED = 1, FILLED = 2, ENCODING = 3, READY = 4;

    int state = FREE;
    /** Offset of the frame in the ring buffer. */
    int offset;
    /** Bytes reserved (6-byte frame header, name, tensor header, source payload). */
    int reserved;
    /** Bytes at the end of the buffer skipped to place this frame at offset 0 (freed with it). */
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
        shape = null;
        sample = null;
        dtype = null;
        isToken = false;
    }
}
