package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Handoff;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** BlockingQueue offer/put/add: an element queued while serving a request carries the request's context. */
public final class QueueOfferAdvice {
    private QueueOfferAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) Object element, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object ret,
            @Advice.Thrown Throwable thrown) {
        // offer returns false when full; put/add return normally (void or true) when the element is in.
        if (thrown == null && !Boolean.FALSE.equals(ret)) Handoff.enqueued(element);
    }
}
