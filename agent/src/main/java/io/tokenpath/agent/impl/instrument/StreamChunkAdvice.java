package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** {@code appendContent(chunk, lastChunk)} of a DJL streaming supplier: a chunk is on its way to the client. */
public final class StreamChunkAdvice {
    private StreamChunkAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object stream, @Advice.Argument(1) boolean last) {
        Bridge.hooks().streamChunk(stream, last);
    }
}
