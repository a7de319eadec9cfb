package io.tokenpath.agent.impl.djl;

import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.attribution.ClientAttribution;
import io.tokenpath.agent.impl.tap.ActivationTap;

import java.util.function.LongSupplier;

/**
 * A model call outside any text generation (a {@code Predictor.batchPredict} of an embedding or classification
 * service, a TorchScript module run through a Predictor) is one capture request of its own: the tap needs a request
 * id and a step to stamp on every tensor, and with no generation around the call there is no other. Such a request
 * has one step, 0. Nested calls on the same thread (a translator calling another predictor) belong to the outer
 * one. Used only while a capture runs; request ids come from the same sequence as generations, so sampling
 * ({@code capture.sample_requests}) treats both alike.
 */
final class ModelCallCapture {
    /** One outermost model call on its thread. */
    static final class Call {
        final long requestId;
        final boolean captured;
        int depth;
        int frames;

        Call(long requestId, boolean captured) {
            this.requestId = requestId;
            this.captured = captured;
        }
    }

    private final ActivationTap tap;
    private final LongSupplier ids;
    private final ThreadLocal<Call> current = new ThreadLocal<>();
    private final ClientAttribution attribution;

    ModelCallCapture(ActivationTap tap, LongSupplier ids, ClientAttribution attribution) {
        this.tap = tap;
        this.ids = ids;
        this.attribution = attribution;
    }

    /** A model call starts with no generation current on this thread. */
    void enter(Object predictor) throws ReflectiveOperationException {
        Call c = current.get();
        if (c != null) {
            c.depth++;
            return;
        }
        long id = ids.getAsLong();
        c = new Call(id, tap.sampling().requestSelected(id));
        current.set(c);
        if (c.captured) {
            tap.requestStarted(id, DjlReflection.modelName(predictor), attribution.client(RequestContext.current()), "predict", 0L);
        }
    }

    /** The model call that {@link #enter} saw ends ({@code error}: null on success). */
    void exit(Throwable error) {
        Call c = current.get();
        if (c == null) return;
        if (c.depth > 0) {
            c.depth--;
            return;
        }
        current.remove();
        if (c.captured) {
            tap.requestEnded(c.requestId, 0L, error, c.frames, java.util.Map.of());
        }
    }

    /** The model call running on this thread outside a generation, or null. */
    Call current() {
        return current.get();
    }
}
