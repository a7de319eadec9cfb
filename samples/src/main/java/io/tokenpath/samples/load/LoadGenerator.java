package io.tokenpath.samples.load;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for an OpenAI-compatible server, measuring from outside as a client would: sends
 * {@code --num-prompts} streaming requests, either at a fixed concurrency or with Poisson arrivals at
 * {@code --rate} (capped by {@code --concurrency}), and reports vLLM benchmark_serving's numbers.
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(LoadOptions.USAGE);
            return;
        }
        BenchmarkReport report = run(options, System.err);
        ReportPrinter.printTable(report, System.out);
        if (options.jsonOut() != null) {
            ReportPrinter.writeJson(report, options.jsonOut());
            System.err.println("load: wrote " + options.jsonOut());
        }
        if (report.completed() == 0) {
            System.exit(1);
        }
    }

    /** Runs the benchmark; progress goes to {@code progress}, which may be null. */
    public static BenchmarkReport run(LoadOptions options, PrintStream progress) throws InterruptedException {
        List<String> prompts = PromptSet.generate(options.numPrompts(), options.promptLen(),
                options.promptLenRange(), options.seed());
        long[] arrivals = arrivalOffsets(options.numPrompts(), options.rate(), options.seed());
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance on plain http
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        StreamingClient client = new StreamingClient(http, options);
        Semaphore slots = new Semaphore(options.concurrency());
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "load-client");
            t.setDaemon(true);
            return t;
        });
        if (progress != null) {
            progress.printf("load: %d requests to %s model=%s search=%s prompt=%d tokens max_tokens=%d"
                    + " concurrency=%d rate=%s%n", options.numPrompts(), options.baseUrl(), options.model(),
                    options.search(), options.promptLen(), options.maxTokens(), options.concurrency(),
                    Double.isInfinite(options.rate()) ? "inf" : Double.toString(options.rate()));
        }
        AtomicLong lastEnd = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        List<Future<RequestResult>> futures = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < prompts.size(); i++) {
                waitUntil(start + arrivals[i]);
                slots.acquire();
                int index = i;
                futures.add(pool.submit(() -> {
                    try {
                        RequestResult r = client.send(index, prompts.get(index), start);
                        lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                        int n = done.incrementAndGet();
                        if (progress != null && (n % Math.max(1, prompts.size() / 10) == 0 || n == prompts.size())) {
                            progress.printf("load: %d/%d done%n", n, prompts.size());
                        }
                        return r;
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<RequestResult> results = new ArrayList<>(futures.size());
            for (Future<RequestResult> f : futures) {
                results.add(f.get());
            }
            double duration = (lastEnd.get() - start) / 1e9;
            return BenchmarkReport.of(options, results, duration);
        } catch (ExecutionException e) {
            // StreamingClient turns every I/O problem into a failed result; anything else is a bug here.
            throw new IllegalStateException("load client crashed", e.getCause());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Nanosecond offsets of each request's arrival: Poisson (exponential gaps) at {@code rate}, 0 when infinite. */
    static long[] arrivalOffsets(int count, double rate, long seed) {
        long[] offsets = new long[count];
        if (Double.isInfinite(rate)) {
            return offsets;
        }
        Random random = new Random(seed ^ 0x5DEECE66DL);
        double t = 0;
        for (int i = 0; i < count; i++) {
            offsets[i] = (long) (t * 1e9);
            t += -Math.log(1.0 - random.nextDouble()) / rate;
        }
        return offsets;
    }

    private static void waitUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the next arrival");
            }
        }
    }
}
