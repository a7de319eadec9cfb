package io.tokenpath.agent.impl.djl;

import io.tokenpath.agent.impl.tap.ActivationTap;
import io.tokenpath.agent.impl.tap.TapSampling;

import java.util.function.LongSupplier;

/**
 * Activation capture under continuous batching. One forward of a {@code SeqBatchScheduler} computes the rows of
 * several requests at once: {@code addRequest}'s prefill the joining rows (its uids, in order), each step of
 * {@code incrementForward} every row of the batch in the {@code SeqBatcher}'s uid order (contrastive search: its k
 * candidates per sequence, consecutive). Each batched request is a capture request of its own, sampled as any
 * other, and the tap splits every block output by row group, so a request's frames read back as they would had it
 * run alone.
 */
final class BatchCapture {
    /** A batch row's capture: its request id in the stream, whether sampling took it, frames written so far. */
    static final class Row {
        final long id;
        final boolean captured;
        int frames;

        Row(long id, boolean captured) {
            this.id = id;
            this.captured = captured;
        }
    }

    /** The rows the forward running on this thread computes, in order, with their steps (null: a row not tracked). */
    private static final class Call {
        final boolean join;
        Row[] rows;
        int[] steps;

        Call(boolean join, Row[] rows, int[] steps) {
            this.join = join;
            this.rows = rows;
            this.steps = steps;
        }
    }

    private final ActivationTap tap;
    private final LongSupplier ids;
    private final ThreadLocal<Call> call = new ThreadLocal<>();

    BatchCapture(ActivationTap tap, LongSupplier ids) {
        this.tap = tap;
        this.ids = ids;
    }

    ActivationTap tap() {
        return tap;
    }

    boolean active() {
        return tap.active();
    }

    /** {@code addRequest} starts with these uids: each row is a new request, sampled now, at step 0. */
    void joinStarts(long[] uids) {
        Row[] rows = new Row[uids.length];
        for (int i = 0; i < uids.length; i++) {
            long id = ids.getAsLong();
            rows[i] = new Row(id, tap.sampling().requestSelected(id));
        }
        call.set(new Call(true, rows, new int[uids.length]));
    }

    /** The rows of the join running on this thread, for the requests its end creates; null when none is. */
    Row[] joining() {
        Call c = call.get();
        return c != null && c.join ? c.rows : null;
    }

    /** A step of {@code incrementForward} computes the batch's rows in this order, each at its step so far. */
    void stepRows(Row[] rows, int[] steps) {
        Call c = call.get();
        if (c == null || c.join) {
            call.set(new Call(false, rows, steps));
        } else {
            c.rows = rows;
            c.steps = steps;
        }
    }

    /** True while an {@code incrementForward} runs on this thread (its rows change as sequences step and leave). */
    boolean stepping() {
        Call c = call.get();
        return c != null && !c.join;
    }

    void callEnds() {
        call.remove();
    }

    /** A block's output inside a scheduler call: each request's rows to its own frames. */
    void blockOutput(Object block, Object output) throws ReflectiveOperationException {
        Call c = call.get();
        if (c == null || c.rows.length == 0) return;
        TapSampling s = tap.sampling();
        int n = c.rows.length;
        boolean[] take = new boolean[n];
        long[] requestIds = new long[n];
        boolean any = false;
        for (int g = 0; g < n; g++) {
            Row r = c.rows[g];
            if (r == null) continue;
            requestIds[g] = r.id;
            take[g] = r.captured && s.stepSelected(c.steps[g]) && r.frames < s.maxFramesPerRequest();
            any |= take[g];
        }
        if (!any) return;
        int[] frames = tap.onBlockOutputRows(block, output, requestIds, c.steps, take);
        for (int g = 0; g < n; g++) if (c.rows[g] != null) c.rows[g].frames += frames[g];
    }
}
