package io.tokenpath.agent.impl.attribution;

import com.sun.net.httpserver.HttpExchange;
import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.metrics.ClientLabels;

/**
 * Who asked for a generation, and when the request arrived. Read where the request enters: the JDK HTTP server's
 * exchange or a servlet request (javax or jakarta), from the configured header, else from the client entry of the
 * W3C {@code baggage} header. A generation that starts with no such request on its thread (or one that named no
 * client) takes the entry from the application's own OpenTelemetry baggage, when it uses the OpenTelemetry API.
 * The public API's {@code setClient} overrides all of these. Every value is bounded by {@link ClientLabels}.
 */
public final class ClientAttribution {
    private final String header;
    private final String baggageKey;
    private final ClientLabels clients;
    private final ApplicationBaggage applicationBaggage = new ApplicationBaggage();

    /** {@code baggageKey}: the baggage entry naming the client; empty: baggage is not read. */
    public ClientAttribution(String header, String baggageKey, ClientLabels clients) {
        this.header = header;
        this.baggageKey = baggageKey == null ? "" : baggageKey.trim();
        this.clients = clients;
    }

    /** The context of an HTTP request entering the server, or null for requests that generate nothing (GET, ...). */
    public RequestContext httpRequest(Object request) {
        long arrival = System.nanoTime();
        String method;
        String path;
        String named;
        String baggage;
        if (request instanceof HttpExchange) {
            HttpExchange ex = (HttpExchange) request;
            method = ex.getRequestMethod();
            path = ex.getRequestURI().getPath();
            named = ex.getRequestHeaders().getFirst(header);
            baggage = joined(ex.getRequestHeaders().get("baggage"));
        } else {
            ServletRequestAccess s = ServletRequestAccess.of(request);
            if (s == null) return null;
            method = s.method(request);
            path = s.path(request);
            named = s.header(request, header);
            baggage = s.headers(request, "baggage");
        }
        if (!"POST".equalsIgnoreCase(method)) return null; // generations are POSTs; skip health checks and scrapes
        String op = path != null && path.contains("chat") ? "chat" : "text_completion";
        String client = named;
        if ((client == null || client.isBlank()) && !baggageKey.isEmpty()) client = W3cBaggage.value(baggage, baggageKey);
        return new RequestContext(clients.label(client), arrival, op);
    }

    /**
     * The client label of a generation starting now with {@code ctx} current (null when none): the request's, else
     * the application's OpenTelemetry baggage entry, else {@link ClientLabels#UNKNOWN}.
     */
    public String client(RequestContext ctx) {
        if (ctx != null && !ClientLabels.UNKNOWN.equals(ctx.client)) return ctx.client;
        if (baggageKey.isEmpty()) return ClientLabels.UNKNOWN;
        return clients.label(applicationBaggage.value(baggageKey));
    }

    private static String joined(java.util.List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }
}
