package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * SeqBatcher.exitCriteria(outputIds, maxLength, eosTokenId): every scheduler calls it once per step with the token
 * it chose for each row, so it is the step, whatever the scheduler's search.
 */
public final class BatchStepAdvice {
    private BatchStepAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object seqBatcher, @Advice.Argument(0) Object outputIds,
            @Advice.Argument(1) long maxLength) {
        Bridge.hooks().batchStep(seqBatcher, outputIds, maxLength);
    }
}
