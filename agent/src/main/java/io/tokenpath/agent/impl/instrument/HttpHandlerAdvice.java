package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import io.tokenpath.agent.bootstrap.RequestContext;
import net.bytebuddy.asm.Advice;

/** HttpHandler.handle(HttpExchange) on the JDK server: the request's context is current while the handler runs. */
public final class HttpHandlerAdvice {
    private HttpHandlerAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static RequestContext enter(@Advice.Argument(0) Object exchange) {
        if (RequestContext.current() != null) return null; // a handler delegating to another: keep the outer one
        RequestContext ctx = Bridge.hooks().httpRequest(exchange);
        if (ctx != null) RequestContext.swap(ctx);
        return ctx;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter RequestContext ctx) {
        if (ctx != null) RequestContext.swap(null);
    }
}
