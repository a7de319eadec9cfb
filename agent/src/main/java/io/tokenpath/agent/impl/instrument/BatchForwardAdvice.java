package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * SeqBatchScheduler.incrementForward(count): the batch's steps run inside. Marks the thread as running a batch (its
 * model calls serve several requests at once), and a throw ends the batch's requests as errors.
 */
public final class BatchForwardAdvice {
    private BatchForwardAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.This Object scheduler) {
        return Bridge.hooks().batchCallStart(scheduler, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.This Object scheduler, @Advice.Thrown Throwable thrown) {
        Bridge.hooks().batchCallEnd(start, scheduler, false, null, null, thrown);
    }
}
