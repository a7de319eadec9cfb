package io.tokenpath.agent.impl;

import io.tokenpath.agent.bootstrap.RequestContext;
import io.tokenpath.agent.impl.djl.RequestTracker;
import io.tokenpath.agent.impl.metrics.ClientLabels;
import io.tokenpath.agent.impl.tap.ActivationTap;
import io.tokenpath.agent.impl.tap.CaptureStarter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * What the woven public API ({@code io.tokenpath.api.Tokenpath}) does with the agent attached: client attribution,
 * manual request timelines (the same metrics as a woven generation), and starting or stopping a capture.
 */
final class ManualApi implements BiPredicate<String, Object[]> {
    private final RequestTracker tracker;
    private final ActivationTap tap;
    private final ClientLabels clients;
    private final AgentLog log;
    private final ThreadLocal<Deque<Long>> handles = ThreadLocal.withInitial(ArrayDeque::new);

    ManualApi(RequestTracker tracker, ActivationTap tap, ClientLabels clients, AgentLog log) {
        this.tracker = tracker;
        this.tap = tap;
        this.clients = clients;
        this.log = log;
    }

    @Override
    public boolean test(String method, Object[] args) {
        switch (method) {
            case "isAgentAttached":
                return true;
            case "setClient":
                RequestContext.swap(new RequestContext(clients.label((String) args[0]), System.nanoTime(), "text_completion"));
                return true;
            case "requestStart":
                handles.get().push(tracker.manualStart(args[0] == null ? "unknown" : (String) args[0]));
                return true;
            case "token":
                tracker.token(args[0]);
                return true;
            case "requestEnd": {
                Deque<Long> d = handles.get();
                if (d.isEmpty()) return false; // an end without a start: nothing to close
                tracker.requestEnd(d.pop(), null, (Throwable) args[0]);
                return true;
            }
            case "startCapture":
                return startCapture((String) args[0], (String) args[1]);
            case "stopCapture": {
                boolean running = tap.active();
                tap.stop();
                return running;
            }
            default:
                return false;
        }
    }

    private boolean startCapture(String output, String options) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (options != null) {
            for (String kv : options.split(",")) {
                if (kv.isBlank()) continue;
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    log.info("Tokenpath.startCapture: option '" + kv + "' is not key=value; capture not started");
                    return false;
                }
                keys.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        keys.put("output", output);
        try {
            CaptureStarter.start(keys, tap, "api");
            return true;
        } catch (IllegalArgumentException e) {
            log.info("Tokenpath.startCapture: " + e.getMessage() + "; capture not started");
            return false;
        } catch (java.io.IOException | RuntimeException e) {
            log.info("Tokenpath.startCapture: cannot start (" + e.getMessage() + ")");
            return false;
        }
    }
}
