package io.tokenpath.samples.server;

import com.sun.net.httpserver.HttpServer;

import io.tokenpath.samples.DjlDefaults;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelConfig;
import io.tokenpath.samples.model.SearchMode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sample LLM service: an OpenAI-compatible HTTP API on the JDK's {@code com.sun.net.httpserver}, in front of a
 * bounded request queue and a pool of inference workers running the DJL/PyTorch decoder. It knows nothing of the
 * tokenpath agent; the agent is attached from outside with {@code -javaagent}.
 */
public final class SampleServer implements AutoCloseable {

    private final ServerOptions options;
    private final Map<String, LanguageModel> models;
    private final InferenceQueue queue;
    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ServerLifecycle lifecycle;
    private final RequestLog log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private SampleServer(ServerOptions options, Map<String, LanguageModel> models, InferenceQueue queue,
            HttpServer http, ExecutorService httpThreads, ServerLifecycle lifecycle, RequestLog log) {
        this.options = options;
        this.models = models;
        this.queue = queue;
        this.http = http;
        this.httpThreads = httpThreads;
        this.lifecycle = lifecycle;
        this.log = log;
    }

    /** Loads the models, starts the workers and the HTTP listener; returns once requests are accepted. */
    public static SampleServer start(ServerOptions options) throws IOException {
        // Small SSE writes must leave at once: without TCP_NODELAY, Nagle plus delayed ACKs adds ~40 ms gaps
        // that would show up as inter-token latency. Read once, when the first HttpServer is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        RequestLog log = new RequestLog(System.err);
        Map<String, LanguageModel> models = new LinkedHashMap<>();
        InferenceQueue queue = null;
        ExecutorService httpThreads = null;
        try {
            for (ModelConfig config : options.models()) {
                long t0 = System.nanoTime();
                LanguageModel model = LanguageModel.load(config);
                models.put(config.name(), model);
                log.event(String.format(Locale.ROOT, "model %s loaded: %,d parameters in %.0f ms",
                        config.name(), model.parameterCount(), (System.nanoTime() - t0) / 1e6));
            }
            ServerStats stats = new ServerStats();
            queue = new InferenceQueue(models, options.workers(), options.queue(), options.continuousBatch(), stats, log);
            ServerLifecycle lifecycle = new ServerLifecycle();
            Map<String, ModelConfig> configs = new LinkedHashMap<>();
            models.forEach((name, m) -> configs.put(name, m.config()));

            HttpServer http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
            // One thread per connection: a handler blocks while its request waits and streams, and the queue, not
            // the thread pool, is what bounds the work (so a full queue answers 429 at once instead of stalling).
            httpThreads = Executors.newCachedThreadPool(daemonThreads("http-"));
            http.setExecutor(httpThreads);
            CompletionsHandler completions = new CompletionsHandler(new RequestParser(configs,
                    options.continuousBatch() > 0 ? SearchMode.CONTRASTIVE : SearchMode.GREEDY), queue, stats, log,
                    options.clientHeader(), lifecycle);
            http.createContext(CompletionsHandler.COMPLETIONS, completions);
            http.createContext(CompletionsHandler.CHAT, completions);
            http.createContext("/", new InfoHandler(models, queue, stats));
            http.start();
            SampleServer server = new SampleServer(options, models, queue, http, httpThreads, lifecycle, log);
            log.event("listening on " + options.host() + ":" + server.port() + " models=" + models.keySet()
                    + (options.continuousBatch() > 0 ? " continuous-batch=" + options.continuousBatch()
                            : " workers=" + options.workers()) + " queue=" + options.queue()
                    + " client-header=" + options.clientHeader());
            return server;
        } catch (IOException | RuntimeException e) {
            if (queue != null) {
                try {
                    queue.shutdown(Duration.ZERO);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    e.addSuppressed(ie);
                }
            }
            if (httpThreads != null) {
                httpThreads.shutdownNow();
            }
            models.values().forEach(LanguageModel::close);
            throw e;
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public ServerOptions options() {
        return options;
    }

    /** Stops gracefully: refuse new requests, let those in flight finish (up to the grace period), free models. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int left = lifecycle.drain(options.grace());
            if (left > 0) {
                log.event("stopping with " + left + " request(s) still in flight after " + options.grace());
            }
            http.stop(0);
            queue.shutdown(options.grace());
            httpThreads.shutdown();
            if (!httpThreads.awaitTermination(5, TimeUnit.SECONDS)) {
                httpThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.event("interrupted while stopping; closing models now");
        } finally {
            models.values().forEach(LanguageModel::close);
            log.event("stopped");
            stopped.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public static void main(String[] args) throws Exception {
        DjlDefaults.apply();
        ServerOptions options;
        try {
            options = ServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("server: " + e.getMessage());
            System.err.println(ServerOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(ServerOptions.USAGE);
            return;
        }
        SampleServer server = start(options);
        // SIGTERM / SIGINT run shutdown hooks: that is the graceful stop.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sample-server-stop"));
        System.out.println("LISTENING " + server.port());
        System.out.flush();
        server.awaitStop();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
