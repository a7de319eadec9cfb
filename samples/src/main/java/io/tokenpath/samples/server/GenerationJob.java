package io.tokenpath.samples.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request between the HTTP thread that owns the connection and the worker that runs the model. The worker
 * only posts {@link JobEvent}s; the HTTP thread does all the writing, so a slow client never stalls the model.
 */
public final class GenerationJob {

    private final String id;
    private final String client;
    private final CompletionRequest request;
    private final long arrivalNanos;
    private final BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    public GenerationJob(String id, String client, CompletionRequest request, long arrivalNanos) {
        this.id = id;
        this.client = client;
        this.request = request;
        this.arrivalNanos = arrivalNanos;
    }

    public String id() {
        return id;
    }

    public String client() {
        return client;
    }

    public CompletionRequest request() {
        return request;
    }

    public long arrivalNanos() {
        return arrivalNanos;
    }

    void post(JobEvent event) {
        events.add(event);
    }

    /** Next event, waiting as long as it takes: a worker always ends a job it took with a terminal event. */
    public JobEvent next() throws InterruptedException {
        return events.take();
    }

    /** Asks the worker to stop at its next token (or to skip the job if it is still queued). */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
