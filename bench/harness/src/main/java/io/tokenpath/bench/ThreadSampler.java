package io.tokenpath.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A poor man's sampling profiler for the capture's threads (what {@code jcmd Thread.print} in a loop would show):
 * every {@code intervalMillis} it takes the stacks of the producer, the encoders and the writer and counts, per
 * thread group, where each one is: the top frame when running, or the capture-runtime method it waits in. It
 * brings safepoints of its own, so the capture-writer benchmark uses it only when asked ({@code --profile true}).
 */
final class ThreadSampler implements AutoCloseable {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final long producerId;
    private final long intervalMillis;
    private final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    private final Map<String, Integer> totals = new HashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    ThreadSampler(Thread producer, long intervalMillis) {
        this.producerId = producer.getId();
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "bench-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stop) {
            List<Long> ids = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                String g = group(t);
                if (g != null) {
                    ids.add(t.getId());
                    groups.add(g);
                }
            }
            long[] arr = ids.stream().mapToLong(Long::longValue).toArray();
            ThreadInfo[] infos = mx.getThreadInfo(arr, 24);
            synchronized (this) {
                for (int i = 0; i < infos.length; i++) {
                    if (infos[i] == null) continue;
                    String where = classify(infos[i]);
                    counts.computeIfAbsent(groups.get(i), k -> new HashMap<>()).merge(where, 1, Integer::sum);
                    totals.merge(groups.get(i), 1, Integer::sum);
                }
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String group(Thread t) {
        if (t.getId() == producerId) return "producer";
        String n = t.getName();
        if (n.startsWith("tokenpath-encoder-")) return "encoders";
        if (n.equals("tokenpath-writer")) return "writer";
        return null;
    }

    private static String classify(ThreadInfo ti) {
        StackTraceElement[] st = ti.getStackTrace();
        if (st.length == 0) return ti.getThreadState().toString();
        if (ti.getThreadState() == Thread.State.RUNNABLE) {
            StackTraceElement top = st[0];
            String cls = top.getClassName();
            // Name the capture-runtime (or harness) method that made the call, as well as the JDK frame at the top.
            for (StackTraceElement e : st) {
                if (e.getClassName().startsWith("io.tokenpath.")) {
                    String own = simple(e.getClassName()) + "." + e.getMethodName();
                    return e == top ? own : simple(cls) + "." + top.getMethodName() + " < " + own;
                }
            }
            return simple(cls) + "." + top.getMethodName();
        }
        for (StackTraceElement e : st) {
            if (e.getClassName().startsWith("io.tokenpath.")) {
                return "waiting in " + simple(e.getClassName()) + "." + e.getMethodName();
            }
        }
        return ti.getThreadState().toString().toLowerCase(Locale.ROOT);
    }

    private static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Per group, the top {@code n} places with their share of samples. */
    synchronized String report(int n) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, Integer>> g : counts.entrySet()) {
            int total = totals.get(g.getKey());
            sb.append(String.format(Locale.ROOT, "    %-9s (%d samples):", g.getKey(), total));
            g.getValue().entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
                    .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.0f%%;", e.getKey(), 100.0 * e.getValue() / total)));
            sb.append('\n');
        }
        return sb.toString();
    }
}
