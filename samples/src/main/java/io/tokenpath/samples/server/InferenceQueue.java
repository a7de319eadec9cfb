package io.tokenpath.samples.server;

import io.tokenpath.samples.model.GenerationCancelledException;
import io.tokenpath.samples.model.LanguageModel;
import io.tokenpath.samples.model.ModelRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded queue of waiting requests in front of a fixed number of inference workers. A request waits here for
 * real (its queue time is wall time spent in this queue); when {@code capacity} requests are already waiting, a new
 * one is refused and the client gets 429. Each worker owns one {@link ModelRunner} (predictor) per model, because
 * DJL predictors are not shared between threads. With continuous batching, one thread ({@link BatchingLoop}) takes
 * the place of the workers.
 */
public final class InferenceQueue {

    /** Outcome of {@link #submit}. */
    public enum Admission { ACCEPTED, QUEUE_FULL, SHUTTING_DOWN }

    private static final long POLL_MILLIS = 100;

    private final Map<String, LanguageModel> models;
    private final BlockingQueue<GenerationJob> waiting;
    private final int capacity;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final ServerStats stats;
    private final RequestLog log;
    private volatile boolean closed;
    private final int continuousBatch;

    public InferenceQueue(Map<String, LanguageModel> models, int workerCount, int capacity, ServerStats stats,
            RequestLog log) {
        this(models, workerCount, capacity, 0, stats, log);
    }

    /**
     * @param continuousBatch 0: {@code workerCount} workers, one request each at a time; N &gt; 0: one thread runs
     *     up to N requests together by continuous batching ({@link BatchingLoop}) instead
     */
    public InferenceQueue(Map<String, LanguageModel> models, int workerCount, int capacity, int continuousBatch,
            ServerStats stats, RequestLog log) {
        if (continuousBatch < 0) {
            throw new IllegalArgumentException("--continuous-batch must be 0 (off) or more, got " + continuousBatch);
        }
        if (workerCount < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workerCount);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("--queue must be at least 1, got " + capacity);
        }
        this.models = Map.copyOf(models);
        this.capacity = capacity;
        this.waiting = new ArrayBlockingQueue<>(capacity);
        this.stats = stats;
        this.log = log;
        this.continuousBatch = continuousBatch;
        if (continuousBatch > 0) {
            workers.add(new Thread(new BatchingLoop(this.models, waiting, continuousBatch, running, stats, log,
                    () -> closed), "inference-batching"));
        } else {
            for (int i = 0; i < workerCount; i++) {
                workers.add(new Thread(this::workerLoop, "inference-worker-" + i));
            }
        }
        // A worker holds native memory; it ends through shutdown(), not with the JVM.
        workers.forEach(t -> t.setDaemon(false));
        workers.forEach(Thread::start);
    }

    public Admission submit(GenerationJob job) {
        if (closed) {
            return Admission.SHUTTING_DOWN;
        }
        return waiting.offer(job) ? Admission.ACCEPTED : Admission.QUEUE_FULL;
    }

    public int waiting() {
        return waiting.size();
    }

    public int running() {
        return running.get();
    }

    public int capacity() {
        return capacity;
    }

    /** Requests run together by continuous batching at most; 0 when each worker runs one request. */
    public int continuousBatch() {
        return continuousBatch;
    }

    public int workers() {
        return workers.size();
    }

    /** Refuses new jobs, lets the workers finish the running and the queued ones, and waits for them. */
    public void shutdown(Duration grace) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : workers) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            if (t.isAlive()) {
                // Past the grace period: interrupt; a job in the middle of a model call finishes that call first.
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    private void workerLoop() {
        Map<String, ModelRunner> runners = new HashMap<>();
        try {
            models.forEach((name, model) -> runners.put(name, new ModelRunner(model)));
            while (!(closed && waiting.isEmpty())) {
                GenerationJob job = waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (job != null) {
                    run(job, runners.get(job.request().model()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.event("worker " + Thread.currentThread().getName() + " interrupted; " + waiting.size()
                    + " queued request(s) left unserved");
            failQueued();
        } finally {
            runners.values().forEach(ModelRunner::close);
        }
    }

    private void run(GenerationJob job, ModelRunner runner) {
        if (job.isCancelled()) {
            stats.cancelled.incrementAndGet();
            job.post(new JobEvent.Cancelled("client left while queued"));
            return;
        }
        running.incrementAndGet();
        try {
            job.post(new JobEvent.Started(System.nanoTime()));
            CompletionRequest r = job.request();
            long[] tokens = runner.generate(r.prompt(), r.maxTokens(), r.search(), (tokenId, index) -> {
                if (job.isCancelled()) {
                    throw new GenerationCancelledException("client left after " + index + " tokens");
                }
                job.post(new JobEvent.Token(tokenId, index, System.nanoTime()));
            });
            job.post(new JobEvent.Finished(tokens, System.nanoTime()));
        } catch (GenerationCancelledException e) {
            stats.cancelled.incrementAndGet();
            job.post(new JobEvent.Cancelled(e.getMessage()));
        } catch (Throwable t) { // any failure must reach the waiting HTTP thread (which logs it), or it waits forever
            stats.failed.incrementAndGet();
            job.post(new JobEvent.Failed(t));
        } finally {
            running.decrementAndGet();
        }
    }

    private void failQueued() {
        GenerationJob job;
        while ((job = waiting.poll()) != null) {
            stats.failed.incrementAndGet();
            job.post(new JobEvent.Failed(new IllegalStateException("server stopped before this request ran")));
        }
    }
}
