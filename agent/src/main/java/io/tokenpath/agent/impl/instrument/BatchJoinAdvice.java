package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** SeqBatchScheduler.addRequest(inputIds, batchUids): each row joins the running batch as one request. */
public final class BatchJoinAdvice {
    private BatchJoinAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.This Object scheduler, @Advice.Argument(1) Object batchUids) {
        return Bridge.hooks().batchCallStart(scheduler, batchUids);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.This Object scheduler, @Advice.Argument(0) Object inputIds,
            @Advice.Argument(1) Object batchUids, @Advice.Thrown Throwable thrown) {
        Bridge.hooks().batchCallEnd(start, scheduler, true, inputIds, batchUids, thrown);
    }
}
