package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** SeqBatcher.collectAndTrim(): returns the finished sequences by uid; those requests leave the batch. */
public final class BatchLeaveAdvice {
    private BatchLeaveAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object seqBatcher, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object finished) {
        Bridge.hooks().batchLeave(seqBatcher, finished);
    }
}
