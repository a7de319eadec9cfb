package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** A generation request: TextGenerator's searches, or a configured request method. Inlined; reaches only the bridge. */
public final class GenerationAdvice {
    private GenerationAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.This(optional = true) Object self, @Advice.AllArguments Object[] args,
            @Advice.Origin("#m") String method) {
        return Bridge.hooks().requestStart(self, args.length > 0 ? args[0] : null, method);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter long handle, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object ret,
            @Advice.Thrown Throwable thrown) {
        Bridge.hooks().requestEnd(handle, ret, thrown);
    }
}
