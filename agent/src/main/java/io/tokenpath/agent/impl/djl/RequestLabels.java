package io.tokenpath.agent.impl.djl;

import io.opentelemetry.api.common.Attributes;
import io.tokenpath.agent.impl.metrics.TokenMetrics;

import java.util.concurrent.ConcurrentHashMap;

/** The attribute sets of one (model, operation, client, search) combination, built once and shared. */
final class RequestLabels {
    final Attributes base;
    final Attributes input;
    final Attributes output;
    final Attributes running;

    private RequestLabels(String provider, String model, String op, String client, String search) {
        base = Attributes.builder().put(TokenMetrics.PROVIDER, provider).put(TokenMetrics.MODEL, model)
                .put(TokenMetrics.OPERATION, op).put(TokenMetrics.CLIENT, client).put(TokenMetrics.SEARCH, search).build();
        input = base.toBuilder().put(TokenMetrics.TOKEN_TYPE, "input").build();
        output = base.toBuilder().put(TokenMetrics.TOKEN_TYPE, "output").build();
        running = Attributes.of(TokenMetrics.MODEL, model);
    }

    /** Label sets by combination; every label is already bounded, so the cache is too. */
    static final class Cache {
        private final String provider;
        private final ConcurrentHashMap<String, RequestLabels> sets = new ConcurrentHashMap<>();

        Cache(String provider) {
            this.provider = provider;
        }

        String provider() {
            return provider;
        }

        RequestLabels get(String model, String op, String client, String search) {
            String key = model + '\u0000' + op + '\u0000' + client + '\u0000' + search;
            return sets.computeIfAbsent(key, k -> new RequestLabels(provider, model, op, client, search));
        }
    }

    /** The search label of a generation method or scheduler class name. */
    static String searchName(String name) {
        if (name == null) return "custom";
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("greedy")) return "greedy";
        if (n.startsWith("beam")) return "beam";
        if (n.startsWith("contrastive")) return "contrastive";
        return "custom";
    }

    /**
     * The search label of a scheduler class: its own name, or the nearest superclass's that names a search, so an
     * application's subclass of {@code ContrastiveSeqBatchScheduler} is still counted as contrastive search.
     */
    static String searchName(Class<?> scheduler) {
        for (Class<?> c = scheduler; c != null && c != Object.class; c = c.getSuperclass()) {
            String s = searchName(c.getSimpleName());
            if (!"custom".equals(s)) return s;
        }
        return "custom";
    }
}
