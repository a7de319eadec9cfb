package io.tokenpath.samples.server;

import io.tokenpath.samples.cli.Flags;
import io.tokenpath.samples.model.ModelConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Settings of {@link SampleServer}.
 *
 * @param host address to bind
 * @param port TCP port; 0 picks a free one (printed as {@code LISTENING <port>})
 * @param models models to load and serve
 * @param workers inference threads (each with its own predictor per model)
 * @param queue requests allowed to wait for a worker; one more gets 429
 * @param clientHeader request header that names the client (logged)
 * @param grace how long a stop waits for requests in flight
 * @param continuousBatch 0: no batching (each worker runs one request); N: one thread runs up to N requests
 *     together through DJL's continuous batching (ContrastiveSeqBatchScheduler), instead of the workers
 */
public record ServerOptions(String host, int port, List<ModelConfig> models, int workers, int queue,
        String clientHeader, Duration grace, int continuousBatch) {

    public static final String USAGE = String.join("\n",
            "usage: server [--host 127.0.0.1] [--port 8000] [--models tiny,small] [--workers 1] [--queue 64]",
            "              [--client-header X-Client-Id] [--grace-seconds 10] [--continuous-batch 0]",
            "  --host           address to bind (0.0.0.0 for all interfaces)",
            "  --port           TCP port; 0 = a free port. 'LISTENING <port>' is printed on stdout once ready",
            "  --models         comma-separated built-in models to serve: tiny (~1.6M params), small (~29M params)",
            "  --workers        inference worker threads; each runs one request at a time",
            "  --queue          requests that may wait for a worker; when full, new requests get 429",
            "  --client-header  request header naming the client; logged with each request",
            "  --grace-seconds  on SIGTERM, how long to let requests in flight finish",
            "  --continuous-batch N  run up to N requests together by continuous batching (DJL's",
            "                   ContrastiveSeqBatchScheduler; search contrastive only) on one thread instead of",
            "                   --workers; 0 = off");

    private static final Set<String> FLAGS =
            Set.of("host", "port", "models", "workers", "queue", "client-header", "grace-seconds",
                    "continuous-batch");

    public ServerOptions {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("--models must name at least one model");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (continuousBatch < 0) {
            throw new IllegalArgumentException("--continuous-batch must be 0 (off) or more, got " + continuousBatch);
        }
        if (clientHeader == null || clientHeader.isBlank()) {
            throw new IllegalArgumentException("--client-header must not be blank");
        }
        models = List.copyOf(models);
    }

    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", 8000, List.of(ModelConfig.TINY), 1, 64, "X-Client-Id",
                Duration.ofSeconds(10), 0);
    }

    /** @return null when {@code --help} was asked for */
    public static ServerOptions parse(String[] args) {
        Flags f = Flags.parse(args, FLAGS);
        if (f.help()) {
            return null;
        }
        ServerOptions d = defaults();
        List<ModelConfig> models = new ArrayList<>();
        for (String name : f.has("models") ? f.list("models") : List.of("tiny")) {
            ModelConfig config = ModelConfig.byName(name);
            if (models.contains(config)) {
                throw new IllegalArgumentException("--models lists '" + name + "' twice");
            }
            models.add(config);
        }
        return new ServerOptions(
                f.string("host", d.host()),
                f.integer("port", d.port(), 0),
                models,
                f.integer("workers", d.workers(), 1),
                f.integer("queue", d.queue(), 1),
                f.string("client-header", d.clientHeader()),
                Duration.ofSeconds(f.integer("grace-seconds", (int) d.grace().toSeconds(), 0)),
                f.integer("continuous-batch", d.continuousBatch(), 0));
    }

    public ServerOptions withPort(int newPort) {
        return new ServerOptions(host, newPort, models, workers, queue, clientHeader, grace, continuousBatch);
    }

    public ServerOptions withWorkersAndQueue(int newWorkers, int newQueue) {
        return new ServerOptions(host, port, models, newWorkers, newQueue, clientHeader, grace, continuousBatch);
    }

    public ServerOptions withModels(List<ModelConfig> newModels) {
        return new ServerOptions(host, port, newModels, workers, queue, clientHeader, grace, continuousBatch);
    }
}
