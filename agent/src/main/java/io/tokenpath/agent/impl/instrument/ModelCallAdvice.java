package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** Predictor.batchPredict: the whole model call (translator + block). */
public final class ModelCallAdvice {
    private ModelCallAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.This Object self) {
        return Bridge.hooks().modelCallStart(self, false);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.Thrown Throwable thrown) {
        Bridge.hooks().modelCallEnd(start, false, thrown);
    }
}
