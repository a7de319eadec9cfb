package io.tokenpath.bench;

import io.tokenpath.capture.codec.BlockCompressor;
import io.tokenpath.capture.codec.ByteShuffle;
import io.tokenpath.capture.codec.Encoding;
import io.tokenpath.capture.codec.PayloadEncoder;
import io.tokenpath.capture.codec.Transforms;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.Transform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Single-thread speed of each stage {@link PayloadEncoder} runs, on one 2 MiB activation tensor ([1, 128, 4096]
 * float32 from the capture-writer pool) and on 16 KiB decode tensors: the profile behind the capture-writer
 * numbers. Each stage repeats for {@code --seconds} after a warm-up; MB/s is source (float32) bytes per second,
 * MB = 1e6 bytes.
 *
 * <p>Rows marked "candidate" are not capture-runtime code: they time a proposed replacement (a chunked shuffle
 * through heap arrays) on the same data, so a proposal comes with its number.
 */
final class EncoderStagesBench {
    private EncoderStagesBench() {}

    static final int HIDDEN = 4096;

    interface Stage {
        void run();
    }

    record Timing(String stage, String what, double mbps, double usPerOp, String note) {
        Timing(String stage, String what, double mbps, double usPerOp) {
            this(stage, what, mbps, usPerOp, "");
        }
    }

    static void run(Args a) throws Exception {
        double seconds = a.decimal("seconds", 1.0);
        ByteBuffer pool = Activations.hiddenPool(512, HIDDEN, 0x5EED_0001L);
        int len = 128 * HIDDEN * 4;
        int small = HIDDEN * 4;
        ByteBuffer src = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
        src.put(0, pool, 0, len);
        ByteBuffer work = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer shuffled = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
        ByteShuffle shuffler = new ByteShuffle();
        ByteShuffle.shuffleBytewise(src, 0, len, shuffled, 0, 4);
        ByteBuffer out = ByteBuffer.allocateDirect(len + len / 8 + 4096).order(ByteOrder.LITTLE_ENDIAN);

        System.out.printf(Locale.ROOT, "encoder-stages: one thread, %.1f s per stage, tensor [1, 128, %d] float32 (%d bytes)"
                + " and [1, 1, %d] (%d bytes)%n", seconds, HIDDEN, len, HIDDEN, small);

        List<Timing> t = new ArrayList<>();
        t.add(time("copy into ring (ByteBuffer.put)", "2 MiB", len, seconds, () -> work.put(0, src, 0, len)));
        CRC32C crc = new CRC32C();
        t.add(time("crc32c", "2 MiB", len, seconds, () -> {
            crc.reset();
            crc.update(src.duplicate().position(0).limit(len));
        }));
        t.add(time("shuffle bytewise (reference definition)", "2 MiB", len, seconds,
                () -> ByteShuffle.shuffleBytewise(src, 0, len, work, 0, 4)));
        checkSame(src, len, shuffler);
        t.add(time("shuffle (ByteShuffle, 4x4 transpose)", "2 MiB", len, seconds, () -> shuffler.shuffle(src, 0, len, work, 0, 4)));

        for (Codec c : new Codec[] {Codec.LZ4, Codec.ZSTD}) {
            int[] levels = c == Codec.LZ4 ? new int[] {0} : new int[] {1, 3};
            for (int level : levels) {
                try (BlockCompressor bc = BlockCompressor.create(c, Math.max(level, 1))) {
                    String name = c == Codec.LZ4 ? "lz4" : "zstd" + level;
                    int[] clen = new int[1];
                    Timing raw = time(name + " compress (unshuffled)", "2 MiB", len, seconds,
                            () -> clen[0] = bc.compress(src, 0, len, out, 0, out.capacity()));
                    t.add(withRatio(raw, len, clen[0]));
                    Timing sh = time(name + " compress (shuffled input)", "2 MiB", len, seconds,
                            () -> clen[0] = bc.compress(shuffled, 0, len, out, 0, out.capacity()));
                    t.add(withRatio(sh, len, clen[0]));
                }
            }
        }
        // LZ4 variants on the shuffled tensor: lz4-java's fast-reset JNI compressor (state reused, acceleration
        // settable), and compressing only the two high byte planes (sign/exponent/top mantissa) while the two low
        // mantissa planes, which are close to random, are stored.
        for (int accel : new int[] {1, 8}) {
            try (net.jpountz.lz4.LZ4JNIFastResetCompressor fr = net.jpountz.lz4.LZ4Factory.nativeInstance().fastResetCompressor(accel)) {
                int[] clen = new int[1];
                t.add(withRatio(time("lz4 fastReset accel " + accel + " (shuffled input)", "2 MiB", len, seconds,
                        () -> clen[0] = fr.compress(shuffled, 0, len, out, 0, out.capacity())), len, clen[0]));
            }
        }
        try (BlockCompressor bc = BlockCompressor.create(Codec.LZ4, 1)) {
            int[] clen = new int[1];
            Timing top = time("lz4 top 2 byte planes only (shuffled)", "2 MiB", len, seconds,
                    () -> clen[0] = bc.compress(shuffled, len / 2, len / 2, out, 0, out.capacity()));
            t.add(new Timing(top.stage, top.what, top.mbps, top.usPerOp, "ratio " + Table.f((double) len / (len / 2 + clen[0]), 3)
                    + " (low planes stored)"));
        }
        t.add(time("fp16 forward (Transforms)", "2 MiB", len, seconds,
                () -> Transforms.forward(Transform.FP16, src, 0, len / 4, work, 0, 64)));
        t.add(time("int8_block64 forward (Transforms)", "2 MiB", len, seconds,
                () -> Transforms.forward(Transform.INT8_BLOCK, src, 0, len / 4, work, 0, 64)));
        ChunkedHalf ch = new ChunkedHalf(16384);
        double e1 = Transforms.forward(Transform.FP16, src, 0, len / 4, work, 0, 64);
        double e2 = ch.toHalf(src, 0, len / 4, shuffledCopy(work, len / 2), 0);
        if (e1 != e2 || !work.duplicate().limit(len / 2).equals(scratchHalf.duplicate().limit(len / 2))) {
            throw new IllegalStateException("candidate fp16 differs from Transforms.forward");
        }
        t.add(time("fp16 forward candidate (chunked heap arrays)", "2 MiB", len, seconds,
                () -> ch.toHalf(src, 0, len / 4, work, 0)));

        // Whole PayloadEncoder.encode per capture-writer mode (each op = copy the source in, then encode in place).
        double copyUs = t.get(0).usPerOp;
        List<Timing> whole = new ArrayList<>();
        for (Mode m : CaptureWriterBench.allModes()) {
            Encoding enc = new Encoding(m.codec(), m.shuffle(), m.transform(), m.int8Block(), m.zstdLevel());
            try (PayloadEncoder e = new PayloadEncoder(enc, 4 << 20)) {
                PayloadEncoder.Result r = new PayloadEncoder.Result();
                Timing big = time("encode " + m.name(), "2 MiB", len, seconds, () -> {
                    work.put(0, src, 0, len);
                    e.encode(work, 0, len, DType.FLOAT32, r);
                });
                double encUs = big.usPerOp - copyUs;
                whole.add(new Timing(big.stage, "2 MiB, copy subtracted", len / encUs, encUs));
                int[] row = {0};
                Timing sm = time("encode " + m.name(), "16 KiB", small, seconds, () -> {
                    work.put(0, pool, (row[0]++ & 511) * small, small);
                    e.encode(work, 0, small, DType.FLOAT32, r);
                });
                whole.add(sm);
            }
        }

        Table tab = new Table("stage", "input", "MB/s (1 thread)", "us/op", "note");
        for (Timing x : t) tab.row(x.stage, x.what, Table.f(x.mbps, 0), Table.f(x.usPerOp, 1), x.note);
        for (Timing x : whole) tab.row(x.stage, x.what, Table.f(x.mbps, 0), Table.f(x.usPerOp, 1), x.note);
        System.out.println();
        System.out.print(tab.render());

        StringBuilder res = new StringBuilder("RESULT encoder-stages");
        String[] keys = {"copy", "crc32c", "shuffle_bytewise", "shuffle"};
        for (int i = 0; i < keys.length; i++) res.append(String.format(Locale.ROOT, " %s_mbps=%.0f", keys[i], t.get(i).mbps));
        for (Timing x : t) {
            if (x.stage.contains("compress")) {
                String k = x.stage.replace(" compress (unshuffled)", "").replace(" compress (shuffled input)", "_shuffled");
                res.append(String.format(Locale.ROOT, " %s_mbps=%.0f", k, x.mbps));
            }
        }
        res.append(String.format(Locale.ROOT, " fp16_forward_mbps=%.0f int8_forward_mbps=%.0f fp16_forward_candidate_mbps=%.0f",
                find(t, "fp16 forward (").mbps, find(t, "int8_block64 forward (").mbps, find(t, "fp16 forward candidate").mbps));
        res.append(String.format(Locale.ROOT, " lz4_accel8_shuffled_mbps=%.0f lz4_accel8_shuffled_%s",
                find(t, "lz4 fastReset accel 8").mbps, find(t, "lz4 fastReset accel 8").note.replace(' ', '=')));
        for (int i = 0; i < whole.size(); i += 2) {
            String k = whole.get(i).stage.replace("encode ", "").replace('+', '_');
            res.append(String.format(Locale.ROOT, " encode_%s_mbps=%.0f encode_%s_16k_mbps=%.0f", k, whole.get(i).mbps, k,
                    whole.get(i + 1).mbps));
        }
        System.out.println();
        System.out.println(res);
    }

    private static ByteBuffer scratchHalf;

    /** A second buffer for the candidate fp16 output, compared with the first afterwards. */
    private static ByteBuffer shuffledCopy(ByteBuffer like, int len) {
        scratchHalf = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
        return scratchHalf;
    }

    /**
     * Candidate fp16 forward (not capture-runtime code): the same HalfFloat conversion and error measurement as
     * Transforms, but floats are bulk-copied from the direct buffer into a float[] chunk and halves bulk-copied out
     * of a short[], so the per-element loop runs on heap arrays instead of absolute ByteBuffer accesses.
     */
    static final class ChunkedHalf {
        private final float[] in;
        private final short[] outHalves;

        ChunkedHalf(int chunk) {
            in = new float[chunk];
            outHalves = new short[chunk];
        }

        double toHalf(ByteBuffer src, int srcOff, int n, ByteBuffer dst, int dstOff) {
            java.nio.FloatBuffer f = src.duplicate().position(srcOff).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            java.nio.ShortBuffer o = dst.duplicate().position(dstOff).slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            double maxErr = 0;
            for (int i0 = 0; i0 < n; i0 += in.length) {
                int m = Math.min(in.length, n - i0);
                f.get(i0, in, 0, m);
                float chunkMax = 0;
                for (int i = 0; i < m; i++) {
                    float x = in[i];
                    short h = io.tokenpath.capture.codec.HalfFloat.fromFloat(x);
                    outHalves[i] = h;
                    float err = Math.abs(io.tokenpath.capture.codec.HalfFloat.toFloat(h) - x);
                    if (err > chunkMax) chunkMax = err;
                }
                o.put(i0, outHalves, 0, m);
                if (chunkMax > maxErr) maxErr = chunkMax;
            }
            return maxErr;
        }
    }

    /** ByteShuffle must equal its bytewise definition, also on lengths with a partial group and trailing bytes. */
    private static void checkSame(ByteBuffer src, int len, ByteShuffle ts) {
        for (int l : new int[] {len - 8, len - 4 * 3 - 2, 4 * 5 + 3, 4 * 16384 + 4 * 7}) {
            ByteBuffer a = ByteBuffer.allocateDirect(l + 8);
            ByteBuffer b = ByteBuffer.allocateDirect(l + 8);
            ByteShuffle.shuffleBytewise(src, 3, l, a, 5, 4);
            ts.shuffle(src, 3, l, b, 5, 4);
            if (!a.equals(b)) throw new IllegalStateException("ByteShuffle differs from its bytewise definition at length " + l);
        }
    }

    private static Timing find(List<Timing> t, String prefix) {
        for (Timing x : t) if (x.stage.startsWith(prefix)) return x;
        throw new IllegalStateException("no stage " + prefix);
    }

    private static Timing withRatio(Timing x, int len, int clen) {
        return new Timing(x.stage, x.what, x.mbps, x.usPerOp, "ratio " + Table.f((double) len / clen, 3));
    }

    static Timing time(String stage, String what, int bytes, double seconds, Stage s) {
        long warm = System.nanoTime() + (long) (Math.min(0.5, seconds / 2) * 1e9);
        while (System.nanoTime() < warm) s.run();
        long ops = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            s.run();
            ops++;
            now = System.nanoTime();
        } while (now < deadline);
        double us = (now - start) / 1e3 / ops;
        return new Timing(stage, what, bytes / us, us);
    }


}
