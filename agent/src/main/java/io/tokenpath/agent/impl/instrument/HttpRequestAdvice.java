package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import io.tokenpath.agent.bootstrap.RequestContext;
import net.bytebuddy.asm.Advice;

/**
 * Where an HTTP request enters the application: {@code Filter.Chain.doFilter(HttpExchange)} on the JDK server (the
 * step that runs every exchange's filters and handler) and {@code HttpServlet.service(ServletRequest,
 * ServletResponse)} in either servlet namespace. The request's context is current while they run (the outermost
 * call sets it, nested ones keep it: a filter chain, or a servlet forwarding to another).
 */
public final class HttpRequestAdvice {
    private HttpRequestAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static RequestContext enter(@Advice.Argument(0) Object request) {
        if (RequestContext.current() != null) return null; // a handler delegating to another: keep the outer one
        RequestContext ctx = Bridge.hooks().httpRequest(request);
        if (ctx != null) RequestContext.swap(ctx);
        return ctx;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter RequestContext ctx) {
        if (ctx != null) RequestContext.swap(null);
    }
}
