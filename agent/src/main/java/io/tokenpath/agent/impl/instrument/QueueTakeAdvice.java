package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Handoff;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** BlockingQueue take/poll: the taking thread adopts the context of the element it got. */
public final class QueueTakeAdvice {
    private QueueTakeAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Return(typing = Assigner.Typing.DYNAMIC) Object element) {
        Handoff.dequeued(element);
    }
}
