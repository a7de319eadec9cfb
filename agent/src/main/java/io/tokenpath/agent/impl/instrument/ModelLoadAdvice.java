package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** An engine's Model.load(Path, String, Map): how long loading the weights took. */
public final class ModelLoadAdvice {
    private ModelLoadAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter() {
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.This Object model, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
        Bridge.hooks().modelLoaded(model, System.nanoTime() - start, thrown);
    }
}
