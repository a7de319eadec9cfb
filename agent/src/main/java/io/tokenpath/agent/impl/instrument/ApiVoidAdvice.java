package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** The public API's void methods (setClient, requestStart, token, requestEnd): their empty bodies reach the agent. */
public final class ApiVoidAdvice {
    private ApiVoidAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Origin("#m") String method, @Advice.AllArguments Object[] args) {
        Bridge.hooks().api(method, args);
    }
}
