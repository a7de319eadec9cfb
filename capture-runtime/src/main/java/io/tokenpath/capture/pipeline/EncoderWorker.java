package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.codec.Encoding;
import io.tokenpath.capture.codec.PayloadEncoder;
import io.tokenpath.capture.format.StreamFormat;
import io.tokenpath.capture.format.TensorHeader;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One compression thread: takes filled tensor slots from the ring, encodes them in place and writes their headers.
 * Several run in parallel on different slots; the ring keeps file order.
 */
final class EncoderWorker implements Runnable {
    private final ActivationRing ring;
    private final CaptureStats stats;
    private final PayloadEncoder encoder;
    private final Consumer<Throwable> onError;
    private final PayloadEncoder.Result result = new PayloadEncoder.Result();
    /** This worker's views of the ring's segments (encoding moves a view's position), made on first use. */
    private final java.util.IdentityHashMap<ByteBuffer, ByteBuffer> views = new java.util.IdentityHashMap<>();

    EncoderWorker(ActivationRing ring, CaptureStats stats, Encoding encoding, int maxTensorBytes, Consumer<Throwable> onError) {
        this.ring = ring;
        this.stats = stats;
        this.encoder = new PayloadEncoder(encoding, maxTensorBytes);
        this.onError = onError;
    }

    /**
     * How long an encoder that has just emptied the queue waits before it looks again, instead of waiting to be
     * signalled: while frames keep coming it then takes them in runs, and producers (application threads) do not
     * pay a wake-up per frame. Measured on the tiny sample model, 32 small frames per token: the signal and the
     * context switch it caused were most of a block output's cost on two cores.
     */
    static final long LINGER_NANOS = 1_000_000L;

    @Override
    public void run() {
        ring.encoderStarted();
        try {
            boolean lingered = false;
            while (true) {
                RingSlot s = ring.pollForEncoding();
                if (s == null && !lingered) {
                    LockSupport.parkNanos(LINGER_NANOS);
                    lingered = true;
                    continue;
                }
                if (s == null && (s = ring.takeForEncoding()) == null) break; // closed and drained
                lingered = false;
                try {
                    encode(s);
                } catch (RuntimeException | Error e) {
                    // The frame cannot be encoded (a codec failure): count it, keep the pipeline moving.
                    s.frameLength = 0;
                    stats.drop(DropReason.ENCODE_ERROR);
                    onError.accept(e);
                }
                ring.ready(s, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ring.encoderStopped();
            encoder.close();
        }
    }

    private void encode(RingSlot s) {
        ByteBuffer view = views.computeIfAbsent(s.buffer, ByteBuffer::duplicate);
        int payloadAt = s.at + s.payloadOffset;
        encoder.encode(view, payloadAt, s.sourceLength, s.dtype, result);
        TensorHeader h = new TensorHeader(result.codec, result.shuffled, result.transform, s.dtype, s.requestId,
                s.step, result.transformParam, s.timestampNanos, result.rawLength, result.crc32c, result.maxAbsError,
                s.shape, s.sample);
        view.position(s.at + StreamFormat.FRAME_HEADER_BYTES + s.nameLength);
        h.writeTo(view);
        int dataLen = s.payloadOffset - StreamFormat.FRAME_HEADER_BYTES - s.nameLength + result.payloadLength;
        view.putInt(s.at + 2, dataLen);
        s.frameLength = StreamFormat.FRAME_HEADER_BYTES + s.nameLength + dataLen;
        stats.bytesRaw.add(result.rawLength);
        stats.bytesEncoded.add(result.payloadLength);
    }
}
