package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.ContextTask;
import net.bytebuddy.asm.Advice;

/**
 * ThreadPoolExecutor.execute(Runnable): a task queued while a request is being served carries the request's
 * context to the worker (client attribution, queue time, waiting count). Tasks queued outside requests are untouched.
 */
public final class ExecutorAdvice {
    private ExecutorAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
        task = ContextTask.wrapIfInRequest(task);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) Runnable task, @Advice.Thrown Throwable thrown) {
        if (thrown != null && task instanceof ContextTask) ((ContextTask) task).rejected();
    }
}
