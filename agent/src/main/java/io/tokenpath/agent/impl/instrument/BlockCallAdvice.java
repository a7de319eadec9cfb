package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** Predictor.predictInternal: the block forward alone, so translator time = batchPredict - this. */
public final class BlockCallAdvice {
    private BlockCallAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.This Object self) {
        return Bridge.hooks().modelCallStart(self, true);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.Thrown Throwable thrown) {
        Bridge.hooks().modelCallEnd(start, true, thrown);
    }
}
