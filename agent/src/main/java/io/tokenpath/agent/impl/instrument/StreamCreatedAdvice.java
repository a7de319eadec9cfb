package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** A DJL streaming supplier's constructor returned: the stream of one response exists now. */
public final class StreamCreatedAdvice {
    private StreamCreatedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object stream) {
        Bridge.hooks().streamCreated(stream);
    }
}
