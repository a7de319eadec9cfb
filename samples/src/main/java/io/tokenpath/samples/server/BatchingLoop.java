package io.tokenpath.samples.server;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.CausalLmTranslator;
import io.tokenpath.samples.model.ContinuousBatch;
import io.tokenpath.samples.model.LanguageModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The one inference thread of continuous batching ({@code --continuous-batch N}): between two steps it takes waiting
 * requests from the queue, one at a time, and joins each to a running {@link ContinuousBatch} (up to N requests in
 * all); then it steps every batch once and answers the requests that completed. A request joins a batch whose total
 * length (prompt + max tokens) is its own, because DJL's scheduler stops every sequence of a batch at one length.
 *
 * <p>Tokens reach the client when the request completes ({@code X-Stream-Mode: buffered}): DJL's scheduler gives
 * out finished sequences only. A request whose client left stays in its batch to the end (the scheduler cannot
 * remove a sequence) and is answered as cancelled.
 */
final class BatchingLoop implements Runnable {

    private static final long POLL_MILLIS = 100;
    /** Steps during which a batch takes new requests; then it drains and frees its state (see ContinuousBatch). */
    static final int JOIN_STEPS = 64;

    private final Map<String, LanguageModel> models;
    private final BlockingQueue<GenerationJob> waiting;
    private final int maxBatch;
    private final AtomicInteger running;
    private final ServerStats stats;
    private final RequestLog log;
    private final BooleanSupplier closed;

    private final Map<String, Predictor<NDList, CausalLMOutput>> predictors = new HashMap<>();
    private final List<ContinuousBatch> batches = new ArrayList<>();
    private final Map<ContinuousBatch, String> batchModel = new HashMap<>();
    private final Map<Long, InFlight> inBatch = new HashMap<>();
    private long nextUid;

    /** A request in a batch, by its uid. */
    private record InFlight(GenerationJob job, ContinuousBatch batch) {}

    BatchingLoop(Map<String, LanguageModel> models, BlockingQueue<GenerationJob> waiting, int maxBatch,
            AtomicInteger running, ServerStats stats, RequestLog log, BooleanSupplier closed) {
        this.models = models;
        this.waiting = waiting;
        this.maxBatch = maxBatch;
        this.running = running;
        this.stats = stats;
        this.log = log;
        this.closed = closed;
    }

    @Override
    public void run() {
        try {
            models.forEach((name, model) -> predictors.put(name, model.newPredictor(new CausalLmTranslator(model.config()))));
            while (!(closed.getAsBoolean() && waiting.isEmpty() && inBatch.isEmpty())) {
                admit();
                for (ContinuousBatch batch : new ArrayList<>(batches)) {
                    step(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.event("batching thread interrupted; " + (waiting.size() + inBatch.size())
                    + " request(s) left unserved");
        } catch (RuntimeException | Error e) {
            log.failure("batching thread failed", e);
            throw e;
        } finally {
            failAll(new IllegalStateException("server stopped before this request finished"));
            batches.forEach(ContinuousBatch::close);
            predictors.values().forEach(Predictor::close);
        }
    }

    /** Joins waiting requests while there is room; waits for one only when nothing is running. */
    private void admit() throws InterruptedException {
        while (inBatch.size() < maxBatch) {
            GenerationJob job = inBatch.isEmpty() ? waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS) : waiting.poll();
            if (job == null) {
                return;
            }
            join(job);
        }
    }

    private void join(GenerationJob job) {
        if (job.isCancelled()) {
            stats.cancelled.incrementAndGet();
            job.post(new JobEvent.Cancelled("client left while queued"));
            return;
        }
        CompletionRequest r = job.request();
        int total = r.promptTokens() + r.maxTokens();
        running.incrementAndGet();
        job.post(new JobEvent.Started(System.nanoTime()));
        long uid = nextUid++;
        try {
            ContinuousBatch batch = openBatch(r.model(), total);
            batch.join(uid, ByteTokenizer.encode(r.prompt()));
            inBatch.put(uid, new InFlight(job, batch));
        } catch (Throwable t) { // the request must hear of it, or its HTTP thread waits forever
            running.decrementAndGet();
            stats.failed.incrementAndGet();
            job.post(new JobEvent.Failed(t));
        }
    }

    private ContinuousBatch openBatch(String model, int total) {
        for (ContinuousBatch b : batches) {
            if (b.admitting() && b.totalLength() == total && model.equals(batchModel.get(b))) {
                return b;
            }
        }
        ContinuousBatch b = new ContinuousBatch(models.get(model), predictors.get(model), total, JOIN_STEPS);
        batches.add(b);
        batchModel.put(b, model);
        return b;
    }

    private void step(ContinuousBatch batch) {
        if (batch.size() == 0) { // a batch whose only join failed
            forget(batch);
            return;
        }
        Map<Long, long[]> done;
        try {
            done = batch.step();
        } catch (Throwable t) {
            log.failure("batch step failed", t);
            failBatch(batch, t);
            return;
        }
        for (Map.Entry<Long, long[]> e : done.entrySet()) {
            GenerationJob job = inBatch.remove(e.getKey()).job();
            running.decrementAndGet();
            if (job.isCancelled()) {
                stats.cancelled.incrementAndGet();
                job.post(new JobEvent.Cancelled("client left during generation"));
                continue;
            }
            long now = System.nanoTime();
            long[] tokens = e.getValue();
            for (int i = 0; i < tokens.length; i++) {
                job.post(new JobEvent.Token(tokens[i], i, now));
            }
            job.post(new JobEvent.Finished(tokens, now));
        }
        if (batch.size() == 0) {
            forget(batch);
        }
    }

    private void forget(ContinuousBatch batch) {
        batch.close();
        batches.remove(batch);
        batchModel.remove(batch);
    }

    /** A failed step leaves DJL's batch state unusable: every request in that batch fails. */
    private void failBatch(ContinuousBatch batch, Throwable t) {
        inBatch.values().removeIf(f -> {
            if (f.batch() != batch) {
                return false;
            }
            fail(f.job(), t);
            return true;
        });
        forget(batch);
    }

    private void fail(GenerationJob job, Throwable t) {
        running.decrementAndGet();
        stats.failed.incrementAndGet();
        job.post(new JobEvent.Failed(t));
    }

    private void failAll(Throwable t) {
        inBatch.values().forEach(f -> fail(f.job(), t));
        inBatch.clear();
        GenerationJob job;
        while ((job = waiting.poll()) != null) {
            stats.failed.incrementAndGet();
            job.post(new JobEvent.Failed(t));
        }
    }
}
