package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Handoff;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * BlockingQueue offer/put/add: an element queued while serving a request carries the request's context. It is
 * registered on entry (a consumer may take it before the offer returns) and withdrawn if it did not go in.
 */
public final class QueueOfferAdvice {
    private QueueOfferAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.Argument(0) Object element) {
        return Handoff.enqueuing(element);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter boolean registered, @Advice.Argument(0) Object element,
            @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object ret, @Advice.Thrown Throwable thrown) {
        // offer returns false when full; put/add return normally (void or true) when the element is in.
        if (registered && (thrown != null || Boolean.FALSE.equals(ret))) Handoff.cancel(element);
    }
}
