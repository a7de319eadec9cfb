package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** A decode step produced the next token(s): StepGeneration's step functions, or a configured token method. */
public final class TokenAdvice {
    private TokenAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return(typing = Assigner.Typing.DYNAMIC) Object ret) {
        Bridge.hooks().token(ret);
    }
}
