package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** The public API's boolean methods (isAgentAttached, startCapture, stopCapture): the agent answers. */
public final class ApiBooleanAdvice {
    private ApiBooleanAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Origin("#m") String method, @Advice.AllArguments Object[] args,
            @Advice.Return(readOnly = false) boolean answer) {
        answer = Bridge.hooks().api(method, args);
    }
}
