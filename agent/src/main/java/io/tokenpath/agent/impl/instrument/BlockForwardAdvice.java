package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * AbstractBaseBlock.forward(ParameterStore, NDList, boolean, PairList), the one final method every DJL block's
 * inference forward goes through: its output goes to the activation tap, which copies what it selects before the
 * method returns (DJL frees the NDArrays right after).
 */
public final class BlockForwardAdvice {
    private BlockForwardAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object block, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object output) {
        Bridge.hooks().blockOutput(block, output);
    }
}
