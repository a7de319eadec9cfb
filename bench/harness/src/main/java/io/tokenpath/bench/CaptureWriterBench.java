package io.tokenpath.bench;

import io.tokenpath.capture.codec.Encoding;
import io.tokenpath.capture.codec.Lz4Compressor;
import io.tokenpath.capture.codec.PayloadEncoder;
import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.OverflowPolicy;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.Codec;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.Transform;
import io.tokenpath.capture.pipeline.ActivationCapture;
import io.tokenpath.capture.pipeline.CaptureStats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sustained input throughput of {@link ActivationCapture}: one producer thread offers a prefill/decode mix of
 * float32 activation tensors as fast as the capture accepts them (policy block, so nothing is dropped), two encoder
 * threads, one writer. Time runs from the first {@code captureTensor} to {@code close()} returning, which drains
 * the ring and fsyncs. Beside it, in the same run and directory, dd gives the disk's sequential write ceiling.
 *
 * <p>Workload per simulated request: {@value #LAYERS} layers x one prefill tensor [1, 128, 4096] (2 MiB), then
 * {@value #DECODE_STEPS} decode steps x {@value #LAYERS} layers x [1, 1, 4096] (16 KiB): 64 MiB prefill + 32 MiB
 * decode, 2,080 frames. Data: slices of a structured activation pool generated once ({@link Activations}); one layer
 * in four takes its rows from a GELU-shaped pool.
 */
final class CaptureWriterBench {
    private CaptureWriterBench() {}

    static final int HIDDEN = 4096;
    static final int PREFILL_TOKENS = 128;
    static final int LAYERS = 32;
    static final int DECODE_STEPS = 64;
    static final double GB = 1e9;

    /** Whether buffered measurements start from recycled page-cache memory (see {@link #prewarm(Path, long)}). */
    static boolean prewarm = true;

    static List<Mode> allModes() {
        List<Mode> m = new ArrayList<>();
        m.add(Mode.lossless("none", Codec.NONE, false, 3));
        m.add(Mode.lossless("lz4", Codec.LZ4, false, 3));
        m.add(Mode.lossless("shuffle+lz4", Codec.LZ4, true, 3));
        m.add(Mode.lossless("zstd1", Codec.ZSTD, false, 1));
        m.add(Mode.lossless("zstd3", Codec.ZSTD, false, 3));
        m.add(Mode.lossless("shuffle+zstd1", Codec.ZSTD, true, 1));
        m.add(Mode.lossless("shuffle+zstd3", Codec.ZSTD, true, 3));
        m.add(Mode.lossy("fp16+lz4", Transform.FP16, 64, Codec.LZ4, false, 3));
        m.add(Mode.lossy("int8_block64+lz4", Transform.INT8_BLOCK, 64, Codec.LZ4, false, 3));
        return m;
    }

    record Run(Mode mode, long bytesSource, long bytesEncoded, long fileBytes, double seconds, double closeSeconds,
            double producerWaitSeconds, long drops, long tensors, double cpuSeconds, boolean timeCapped, String profile) {
        double inputGbps() { return bytesSource / seconds / GB; }
        double writtenGbps() { return fileBytes / seconds / GB; }
        double ratio() { return bytesEncoded == 0 ? 0 : (double) bytesSource / bytesEncoded; }
    }

    record Dd(String label, long bytes, double seconds) {
        double gbps() { return bytes / seconds / GB; }
    }

    static void run(Args a) throws Exception {
        Path dir = Path.of(a.string("dir", "bench-data"));
        long noneBytes = a.size("bytes", 4L << 30);
        long compressedBytes = a.size("compressed-bytes", noneBytes);
        double capSeconds = a.decimal("max-seconds", 60);
        boolean dd = a.bool("dd", true);
        boolean profile = a.bool("profile", false);
        prewarm = a.bool("prewarm", true);
        int rounds = a.integer("rounds", 2);
        long maxMemory = a.size("max-memory", 512L << 20);
        int threads = a.integer("threads", 2);
        List<Mode> modes = selectModes(a.string("modes", ""));
        Files.createDirectories(dir);
        int cpus = Runtime.getRuntime().availableProcessors();

        System.out.printf(Locale.ROOT, "capture-writer: dir %s, codec none %s, other modes %s each (cap %.0f s per mode),"
                + " %d round(s), %d encoder threads, 1 producer, ring budget %s, lz4 %s%s%n", dir.toAbsolutePath(),
                human(noneBytes), human(compressedBytes), capSeconds, rounds, threads, human(maxMemory),
                Lz4Compressor.implementation(), profile ? ", thread sampling ON (perturbs timings)" : "");

        long t0 = System.nanoTime();
        ByteBuffer hidden = Activations.hiddenPool(3072, HIDDEN, 0x5EED_0001L);
        ByteBuffer gelu = Activations.geluPool(1024, HIDDEN, 0x5EED_0002L);
        System.out.printf(Locale.ROOT, "activation pools: %s + %s generated in %.1f s%n", human(hidden.capacity()),
                human(gelu.capacity()), (System.nanoTime() - t0) / 1e9);
        warmUp(modes, hidden);

        // References on the same directory: dd oflag=direct once per round and once at the end (the ceiling is the
        // best of them), the other references once. /dev/zero is fine as dd's source here: java_odirect writes
        // activation bytes with O_DIRECT, so a disk that elided zeros would show up as a gap between the two.
        List<Dd> refs = new ArrayList<>();
        List<Dd> ddDirectRuns = new ArrayList<>();
        long ddBytes = Math.max(8L << 20, noneBytes / (8L << 20) * (8L << 20));
        if (dd) {
            prewarm(dir, ddBytes);
            refs.add(dd(dir, "dd_fdatasync", ddBytes, "/dev/zero", "conv=fdatasync"));
        }
        if (a.bool("java-write", true)) {
            // The writer thread's two possible I/O paths on this disk, without the capture pipeline around them.
            prewarm(dir, ddBytes);
            refs.add(javaWrite(dir, "java_buffered_fsync", ddBytes, hidden, false));
            prewarm(dir, ddBytes);
            refs.add(javaWriteFlusher(dir, "java_buffered_flusher", ddBytes, hidden));
            refs.add(javaWrite(dir, "java_odirect", ddBytes, hidden, true));
            refs.add(javaWriteOverlapped(dir, "java_odirect_2buf", ddBytes, hidden));
        }

        Map<Mode, List<Run>> runs = new LinkedHashMap<>();
        for (Mode m : modes) runs.put(m, new ArrayList<>());
        for (int round = 1; round <= rounds; round++) {
            System.out.println("round " + round + ":");
            if (dd) ddDirectRuns.add(dd(dir, "dd_direct", ddBytes, "/dev/zero", "oflag=direct"));
            for (Mode m : modes) {
                long bytes = m.codec() == Codec.NONE && !m.lossy() ? noneBytes : compressedBytes;
                Run r = measure(m, dir, hidden, gelu, bytes, capSeconds, threads, maxMemory, profile);
                runs.get(m).add(r);
                System.out.printf(Locale.ROOT, "  %-18s %6.3f GB/s in, %6.3f GB/s written, ratio %.3f, %.1f s (close %.2f s),"
                        + " producer waited %.1f s, cpu %.0f%%, drops %d%s%n", m.name(), r.inputGbps(), r.writtenGbps(),
                        r.ratio(), r.seconds, r.closeSeconds, r.producerWaitSeconds, 100 * r.cpuSeconds / r.seconds / cpus,
                        r.drops, r.timeCapped ? " (time-capped)" : "");
                if (r.profile != null) System.out.print(r.profile);
            }
        }
        if (dd) ddDirectRuns.add(dd(dir, "dd_direct", ddBytes, "/dev/zero", "oflag=direct"));

        double ddDirect = 0;
        StringBuilder ddAll = new StringBuilder();
        for (Dd d : ddDirectRuns) {
            ddDirect = Math.max(ddDirect, d.gbps());
            ddAll.append(ddAll.length() == 0 ? "" : " ").append(Table.f(d.gbps(), 3));
        }

        System.out.println();
        if (dd || !refs.isEmpty()) {
            Table t = new Table("reference (same dir)", "bytes", "GB/s", "runs (GB/s)");
            if (dd) t.row("dd oflag=direct (best)", human(ddDirectRuns.get(0).bytes), Table.f(ddDirect, 3), ddAll);
            for (Dd d : refs) t.row(d.label, human(d.bytes), Table.f(d.gbps(), 3), Table.f(d.gbps(), 3));
            System.out.print(t.render());
            System.out.println();
        }
        Table t = new Table("mode", "GB/s input", "GB/s written", "ratio", "% of dd direct", "rounds (GB/s in)", "input",
                "seconds", "close s", "producer wait s", "cpu % of " + cpus, "drops");
        Map<Mode, Run> best = new LinkedHashMap<>();
        for (Map.Entry<Mode, List<Run>> e : runs.entrySet()) {
            Run b = null;
            StringBuilder all = new StringBuilder();
            for (Run r : e.getValue()) {
                if (b == null || r.inputGbps() > b.inputGbps()) b = r;
                all.append(all.length() == 0 ? "" : " ").append(Table.f(r.inputGbps(), 3));
            }
            best.put(e.getKey(), b);
            t.row(b.mode.name(), Table.f(b.inputGbps(), 3), Table.f(b.writtenGbps(), 3), Table.f(b.ratio(), 3),
                    ddDirect > 0 ? Table.f(100 * b.inputGbps() / ddDirect, 1) : "n/a", all,
                    human(b.bytesSource) + (b.timeCapped ? "*" : ""), Table.f(b.seconds, 2), Table.f(b.closeSeconds, 2),
                    Table.f(b.producerWaitSeconds, 2), Table.f(100 * b.cpuSeconds / b.seconds / cpus, 0), b.drops);
        }
        System.out.print(t.render());
        System.out.println("Best round per mode (rounds column: every round). GB = 1e9 bytes. % of dd direct = input GB/s"
                + " / best dd oflag=direct GB/s. cpu = process CPU time / wall / " + cpus + " cpus. * = stopped at the"
                + " per-mode time cap.");

        StringBuilder res = new StringBuilder("RESULT capture-writer");
        if (dd) res.append(String.format(Locale.ROOT, " dd_direct_gbps=%.3f", ddDirect));
        for (Dd d : refs) res.append(String.format(Locale.ROOT, " %s_gbps=%.3f", d.label, d.gbps()));
        long drops = 0;
        for (Run r : best.values()) {
            drops += r.drops;
            res.append(String.format(Locale.ROOT, " %s_gbps=%.3f", r.mode.key(), r.inputGbps()));
            if (ddDirect > 0) res.append(String.format(Locale.ROOT, " %s_pct_of_dd=%.1f", r.mode.key(), 100 * r.inputGbps() / ddDirect));
            if (r.mode.codec() != Codec.NONE || r.mode.lossy()) res.append(String.format(Locale.ROOT, " %s_ratio=%.3f", r.mode.key(), r.ratio()));
        }
        res.append(" drops=").append(drops).append(" prewarm=").append(prewarm).append(" rounds=").append(rounds).append(" encoder_threads=").append(threads)
                .append(" cpus=").append(cpus);
        System.out.println();
        System.out.println(res);
    }

    static List<Mode> selectModes(String csv) {
        List<Mode> all = allModes();
        if (csv.isBlank()) return all;
        Map<String, Mode> byName = new LinkedHashMap<>();
        for (Mode m : all) byName.put(m.name(), m);
        List<Mode> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            Mode m = byName.get(s.trim());
            if (m == null) throw new IllegalArgumentException("unknown mode '" + s + "' (known: " + byName.keySet() + ")");
            out.add(m);
        }
        return out;
    }

    /** Compiles the encode paths before anything is timed: a few tensors through each mode's PayloadEncoder. */
    static void warmUp(List<Mode> modes, ByteBuffer pool) {
        long t0 = System.nanoTime();
        int len = PREFILL_TOKENS * HIDDEN * 4;
        ByteBuffer work = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
        PayloadEncoder.Result r = new PayloadEncoder.Result();
        for (Mode m : modes) {
            try (PayloadEncoder e = new PayloadEncoder(new Encoding(m.codec(), m.shuffle(), m.transform(), m.int8Block(),
                    m.zstdLevel()), len)) {
                for (int i = 0; i < 6; i++) {
                    work.clear();
                    work.put(0, pool, i * len, len);
                    e.encode(work, 0, len, DType.FLOAT32, r);
                    for (int k = 0; k < 64; k++) {
                        work.put(0, pool, k * HIDDEN * 4, HIDDEN * 4);
                        e.encode(work, 0, HIDDEN * 4, DType.FLOAT32, r);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "warm-up (encoders of %d modes) %.1f s%n", modes.size(), (System.nanoTime() - t0) / 1e9);
    }

    static Run measure(Mode m, Path dir, ByteBuffer hidden, ByteBuffer gelu, long targetBytes, double capSeconds,
            int threads, long maxMemory, boolean profile) throws Exception {
        sync();
        prewarm(dir, targetBytes);
        Path out = dir.resolve("cw-" + m.key() + ".stream");
        CaptureConfig cfg = m.apply(CaptureConfig.builder(Preset.BALANCED)).output(out).threads(threads)
                .maxMemory(maxMemory).maxTensor(4L << 20).policy(OverflowPolicy.BLOCK).sidecar(false)
                .metadata("bench", "capture-writer").build();
        int rowBytes = HIDDEN * 4;
        int hiddenRows = hidden.capacity() / rowBytes;
        int geluRows = gelu.capacity() / rowBytes;
        long[] prefillShape = {1, PREFILL_TOKENS, HIDDEN};
        long[] decodeShape = {1, 1, HIDDEN};
        String[] names = new String[LAYERS];
        for (int l = 0; l < LAYERS; l++) names[l] = l % 4 == 3 ? "model.layers." + l + ".mlp.act_fn" : "model.layers." + l;
        SplittableRandom pick = new SplittableRandom(42);
        long capNanos = (long) (capSeconds * 1e9);

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long bytes = 0;
        boolean capped = false;
        long start;
        long closeStart;
        long end;
        long cpu0;
        CaptureStats.Snapshot st;
        ThreadSampler sampler = null;
        ActivationCapture cap = ActivationCapture.open(cfg, msg -> System.err.println("[capture] " + msg));
        try {
            if (profile) sampler = new ThreadSampler(Thread.currentThread(), 10);
            cpu0 = os.getProcessCpuTime();
            start = System.nanoTime();
            long request = 0;
            outer:
            while (true) {
                for (int step = 0; step <= DECODE_STEPS; step++) {
                    for (int l = 0; l < LAYERS; l++) {
                        boolean g = l % 4 == 3;
                        ByteBuffer pool = g ? gelu : hidden;
                        int rows = step == 0 ? PREFILL_TOKENS : 1;
                        int row = pick.nextInt((g ? geluRows : hiddenRows) - rows + 1);
                        ByteBuffer slice = pool.slice(row * rowBytes, rows * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
                        if (!cap.captureTensor(names[l], DType.FLOAT32, step == 0 ? prefillShape : decodeShape, request, step, slice)) {
                            throw new IllegalStateException(m.name() + ": tensor dropped under policy block: " + cap.stats().drops());
                        }
                        bytes += (long) rows * rowBytes;
                        if (bytes >= targetBytes) break outer;
                    }
                    if (System.nanoTime() - start > capNanos) {
                        capped = true;
                        break outer;
                    }
                }
                request++;
            }
        } catch (RuntimeException | Error e) {
            cap.close();
            throw e;
        }
        closeStart = System.nanoTime();
        cap.close(); // timed: drains the ring, writes the end frame, fsyncs
        end = System.nanoTime();
        st = cap.stats();
        long cpu = os.getProcessCpuTime() - cpu0;
        String prof = null;
        if (sampler != null) {
            sampler.close();
            prof = sampler.report(4);
        }
        long fileBytes = Files.size(out);
        Files.deleteIfExists(out);
        return new Run(m, st.bytesSource(), st.bytesEncoded(), fileBytes, (end - start) / 1e9, (end - closeStart) / 1e9,
                st.producerWaitNanos() / 1e9, st.droppedTotal(), st.tensorsWritten(), cpu / 1e9, capped, prof);
    }

    /**
     * One thread writes {@code bytes} of activation data in 8 MiB writes, then fsyncs; time includes the fsync.
     * Buffered: FileChannel.write from a direct buffer, as FrameWriter does. O_DIRECT: each 8 MiB is first copied
     * into a block-aligned staging buffer (a writer must do that, ring frames are not aligned), then written with
     * ExtendedOpenOption.DIRECT. This is the reference for the proposed writer change, not capture-runtime code.
     */
    static Dd javaWrite(Path dir, String label, long bytes, ByteBuffer pool, boolean direct) throws Exception {
        sync();
        Path of = dir.resolve("java-write.bin");
        int chunk = 8 << 20;
        int block = (int) Math.max(4096, Files.getFileStore(dir).getBlockSize());
        ByteBuffer staging = ByteBuffer.allocateDirect(chunk + block).alignedSlice(block);
        staging.limit(chunk);
        List<StandardOpenOption> opts = List.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        java.util.Set<java.nio.file.OpenOption> set = new java.util.HashSet<>(opts);
        if (direct) set.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        long start = System.nanoTime();
        long done = 0;
        try (FileChannel ch = FileChannel.open(of, set)) {
            int slices = pool.capacity() / chunk;
            for (long i = 0; done < bytes; i++) {
                ByteBuffer src = pool.slice((int) (i % slices) * chunk, chunk);
                ByteBuffer b;
                if (direct) {
                    staging.clear().limit(chunk);
                    staging.put(src).flip();
                    b = staging;
                } else {
                    b = src;
                }
                while (b.hasRemaining()) done += ch.write(b);
            }
            ch.force(false);
        } finally {
            Files.deleteIfExists(of);
        }
        Dd d = new Dd(label, done, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "  %-18s %6.3f GB/s  (1 thread, 8 MiB writes%s, fsync at the end)%n", label, d.gbps(),
                direct ? ", copied into an aligned buffer, O_DIRECT" : ", buffered");
        return d;
    }

    /**
     * Buffered writes as {@link #javaWrite}, plus a second thread that calls {@code force(false)} whenever 256 MiB
     * more have been written, so writeback starts at once instead of when the dirty-page threshold is reached (Java
     * has no sync_file_range) and the final fsync finds little left. Time includes the final fsync. The reference
     * for the proposed FrameWriter change, not capture-runtime code.
     */
    static Dd javaWriteFlusher(Path dir, String label, long bytes, ByteBuffer pool) throws Exception {
        sync();
        Path of = dir.resolve("java-write.bin");
        int chunk = 8 << 20;
        long every = 256L << 20;
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong forces = new java.util.concurrent.atomic.AtomicLong();
        long start = System.nanoTime();
        long done = 0;
        try (FileChannel ch = FileChannel.open(of, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Thread flusher = new Thread(() -> {
                long flushedTo = 0;
                while (!stop.get()) {
                    long w = written.get();
                    if (w - flushedTo >= every) {
                        try {
                            ch.force(false);
                        } catch (IOException e) {
                            return;
                        }
                        forces.incrementAndGet();
                        flushedTo = w;
                    } else {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                    }
                }
            }, "bench-flusher");
            flusher.start();
            int slices = pool.capacity() / chunk;
            for (long i = 0; done < bytes; i++) {
                ByteBuffer b = pool.slice((int) (i % slices) * chunk, chunk);
                while (b.hasRemaining()) done += ch.write(b);
                written.set(done);
            }
            stop.set(true);
            flusher.join();
            ch.force(false);
        } finally {
            Files.deleteIfExists(of);
        }
        Dd d = new Dd(label, done, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "  %-18s %6.3f GB/s  (1 thread, 8 MiB buffered writes, a 2nd thread fsyncs every"
                + " 256 MiB written (%d times), fsync at the end)%n", label, d.gbps(), forces.get());
        return d;
    }

    /**
     * As the O_DIRECT case of {@link #javaWrite}, but the copy into aligned memory runs on a second thread into one of
     * two staging buffers while the writer thread writes the other: what a writer that overlaps its staging copy
     * with the disk would reach. Time includes the fsync.
     */
    static Dd javaWriteOverlapped(Path dir, String label, long bytes, ByteBuffer pool) throws Exception {
        sync();
        Path of = dir.resolve("java-write.bin");
        int chunk = 8 << 20;
        int block = (int) Math.max(4096, Files.getFileStore(dir).getBlockSize());
        java.util.concurrent.ArrayBlockingQueue<ByteBuffer> free = new java.util.concurrent.ArrayBlockingQueue<>(2);
        java.util.concurrent.ArrayBlockingQueue<ByteBuffer> full = new java.util.concurrent.ArrayBlockingQueue<>(3);
        for (int i = 0; i < 2; i++) free.add(ByteBuffer.allocateDirect(chunk + block).alignedSlice(block));
        ByteBuffer end = ByteBuffer.allocate(0);
        long chunks = (bytes + chunk - 1) / chunk;
        int slices = pool.capacity() / chunk;
        Thread copier = new Thread(() -> {
            try {
                for (long i = 0; i < chunks; i++) {
                    ByteBuffer b = free.take();
                    b.clear().limit(chunk);
                    b.put(pool.slice((int) (i % slices) * chunk, chunk)).flip();
                    full.put(b);
                }
                full.put(end);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-copier");
        java.util.Set<java.nio.file.OpenOption> set = new java.util.HashSet<>(List.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, com.sun.nio.file.ExtendedOpenOption.DIRECT));
        long start = System.nanoTime();
        long done = 0;
        copier.start();
        try (FileChannel ch = FileChannel.open(of, set)) {
            while (true) {
                ByteBuffer b = full.take();
                if (b == end) break;
                while (b.hasRemaining()) done += ch.write(b);
                free.put(b);
            }
            ch.force(false);
        } finally {
            copier.join();
            Files.deleteIfExists(of);
        }
        Dd d = new Dd(label, done, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "  %-18s %6.3f GB/s  (8 MiB O_DIRECT writes, staging copy on a 2nd thread into 2"
                + " aligned buffers, fsync at the end)%n", label, d.gbps());
        return d;
    }

    private static ByteBuffer zeros;

    /**
     * Untimed: writes {@code bytes} of zeros through the page cache to a scratch file and deletes it (no fsync, so
     * the disk sees little of it), right before a buffered measurement. On the VM this was written on, the first
     * write into memory the guest has not touched lately is slow (host-side faulting is the likely cause, not
     * verified): a first 2 GiB buffered write ran at 0.29 GB/s, the next ones at 4-5 GB/s. Without this, whichever mode follows an O_DIRECT dd pays that and looks 3-4x
     * slower than the next one with the same I/O. {@code --prewarm false} shows the cold numbers.
     */
    static void prewarm(Path dir, long bytes) throws IOException {
        if (!prewarm) return;
        if (zeros == null) zeros = ByteBuffer.allocateDirect(8 << 20);
        Path p = dir.resolve("prewarm.bin");
        long t0 = System.nanoTime();
        long done = 0;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (done < bytes) {
                ByteBuffer z = zeros.duplicate();
                z.limit((int) Math.min(z.capacity(), bytes - done));
                while (z.hasRemaining()) done += ch.write(z);
            }
        } finally {
            Files.deleteIfExists(p);
        }
        System.out.printf(Locale.ROOT, "    (untimed page-cache prewarm: %s at %.2f GB/s)%n", human(done),
                done / ((System.nanoTime() - t0) / 1e9) / GB);
    }

    private static final Pattern DD_LINE = Pattern.compile("^(\\d+) bytes .* copied, ([0-9.]+) s", Pattern.MULTILINE);

    static Dd dd(Path dir, String label, long bytes, String input, String flag) throws Exception {
        sync();
        Path of = dir.resolve("dd.bin");
        long count = bytes / (8L << 20);
        try {
            return runDd(label, "if=" + input, "of=" + of, "bs=8M", "count=" + count, flag);
        } finally {
            Files.deleteIfExists(of);
        }
    }

    private static Dd runDd(String label, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("dd");
        for (String s : args) cmd.add(s);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        Matcher mt = DD_LINE.matcher(outText);
        if (rc != 0 || !mt.find()) throw new IOException(String.join(" ", cmd) + " failed (rc " + rc + "): " + outText);
        Dd d = new Dd(label, Long.parseLong(mt.group(1)), Double.parseDouble(mt.group(2)));
        System.out.printf(Locale.ROOT, "  %-18s %6.3f GB/s  (%s)%n", label, d.gbps(), String.join(" ", cmd));
        return d;
    }

    private static void sync() throws Exception {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return Table.f(bytes / (double) (1L << 30), 2) + " GiB";
        if (bytes >= 1L << 20) return Table.f(bytes / (double) (1L << 20), 1) + " MiB";
        return bytes + " B";
    }
}
