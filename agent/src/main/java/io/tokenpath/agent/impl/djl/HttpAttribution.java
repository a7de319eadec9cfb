package io.tokenpath.agent.impl.djl;

import com.sun.net.httpserver.HttpExchange;
import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.metrics.ClientLabels;

import java.util.function.Function;

/**
 * On the JDK HTTP server: when a handler starts on an exchange, note who asked (the configured header, bounded to
 * top-N labels) and when, so the generation that serves it — on this thread or on a worker it is queued to — is
 * attributed to that client and its queue time is measured.
 */
public final class HttpAttribution implements Function<Object, RequestContext> {
    private final String header;
    private final ClientLabels clients;

    public HttpAttribution(String header, ClientLabels clients) {
        this.header = header;
        this.clients = clients;
    }

    @Override
    public RequestContext apply(Object exchange) {
        if (!(exchange instanceof HttpExchange)) return null;
        HttpExchange ex = (HttpExchange) exchange;
        if (!"POST".equalsIgnoreCase(ex.getRequestMethod())) return null; // generations are POSTs; skip health checks
        String path = ex.getRequestURI().getPath();
        String op = path != null && path.contains("chat") ? "chat" : "text_completion";
        return new RequestContext(clients.label(ex.getRequestHeaders().getFirst(header)), System.nanoTime(), op);
    }
}
