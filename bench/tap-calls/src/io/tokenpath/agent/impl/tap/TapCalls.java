package io.tokenpath.agent.impl.tap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.tokenpath.agent.impl.AgentLog;
import io.tokenpath.capture.config.CaptureConfig;
import io.tokenpath.capture.config.Preset;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.pipeline.ActivationCapture;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What each step of the activation tap costs per block output when its caches are warm, on real PyTorch arrays of
 * the tiny sample model's sizes: the native reads one by one, DJL's public methods, the capture call alone and the
 * whole tap. After every 32 calls (one token's blocks) it can spin for GAP_NANOS, untimed, to imitate the model's work
 * between block exits (which in situ makes everything 3-5x dearer: see docs/performance.md). Package
 * io.tokenpath.agent.impl.tap because the tap's readers are package-private. Run by bench/tap-calls/run.
 */
public final class TapCalls {
    private static final int BLOCKS = 32;
    private static long sink;

    interface Call {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int tokens = Integer.parseInt(args[0]);
        long gapNanos = Long.parseLong(args[1]);
        Path stream = Path.of(args[2]);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray[] arrays = new NDArray[BLOCKS];
            for (int i = 0; i < BLOCKS; i++) arrays[i] = m.randomNormal(new Shape(1, 1, i % 4 == 1 ? 576 : i % 4 == 3 ? 768 : 192));
            java.util.function.Consumer<String> slow = why -> {
                throw new IllegalStateException(why);
            };
            NdArrayAccess access = NdArrayAccess.of(arrays[0].getClass(), slow);
            PyTorchTensors torch = PyTorchTensors.find(arrays[0].getClass(), slow);
            CaptureConfig cfg = CaptureConfig.builder(Preset.BALANCED).output(stream).maxMemory(256L << 20).build();
            ByteBuffer[] views = new ByteBuffer[BLOCKS];
            long[][] shapes = new long[BLOCKS][];
            for (int i = 0; i < BLOCKS; i++) {
                views[i] = torch.denseCpuBytes(torch.handle(arrays[i]));
                shapes[i] = torch.shape(torch.handle(arrays[i]));
            }
            SequentialBlock root = new SequentialBlock();
            for (int i = 0; i < BLOCKS; i++) root.add(Linear.builder().setUnits(4).build());
            Block[] blocks = root.getChildren().values().toArray(new Block[0]);
            NDList[] outputs = new NDList[BLOCKS];
            for (int i = 0; i < BLOCKS; i++) outputs[i] = new NDList(arrays[i]);

            for (int round = 1; round <= 2; round++) { // the first round warms up the JIT
                String r = round == 1 ? "warm-up" : "measured";
                time(r, "handle", tokens, gapNanos, i -> sink += torch.handle(arrays[i]));
                time(r, "dtype", tokens, gapNanos, i -> sink += torch.dtype(torch.handle(arrays[i])).ordinal());
                time(r, "sizes", tokens, gapNanos, i -> sink += torch.shape(torch.handle(arrays[i])).length);
                time(r, "dense_cpu_bytes", tokens, gapNanos, i -> sink += torch.denseCpuBytes(torch.handle(arrays[i])).remaining());
                time(r, "tap_reads", tokens, gapNanos, i -> {
                    long h = access.handle(arrays[i]);
                    sink += access.dtype(arrays[i], h).ordinal() + access.shape(arrays[i], h).length + access.bytes(arrays[i], h).remaining();
                });
            }
            // One capture for both rounds: its first frames pay for the ring's page faults, as a capture's do.
            Files.deleteIfExists(stream);
            try (ActivationCapture c = ActivationCapture.open(cfg)) {
                for (int round = 1; round <= 2; round++) {
                    time(round == 1 ? "warm-up" : "measured", "capture_call", tokens, gapNanos, i -> {
                        if (c.captureTensor("03h0/04mlp/01c_fc", DType.FLOAT32, shapes[i], 2, 5, views[i].duplicate())) sink++;
                    });
                }
            }
            ActivationTap tap = new ActivationTap(new AgentLog(null));
            Files.deleteIfExists(stream);
            tap.start(cfg, TapSampling.ALL, null);
            tap.onModelCall(root);
            for (int round = 1; round <= 2; round++) {
                time(round == 1 ? "warm-up" : "measured", "whole_tap", tokens, gapNanos, i -> sink += tap.onBlockOutput(blocks[i], outputs[i], 2, 5));
            }
            tap.stop();
        }
        if (sink == 42) System.out.println();
    }

    /** Mean ns per block output over {@code tokens} runs of 32 calls, the gap after each run not counted. */
    private static void time(String round, String what, int tokens, long gapNanos, Call call) throws Exception {
        long inside = 0;
        for (int k = 0; k < tokens; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < BLOCKS; i++) call.run(i);
            long t1 = System.nanoTime();
            inside += t1 - t0;
            double x = 1;
            while (System.nanoTime() < t1 + gapNanos) x = x * 1.0000001 + 1e-9;
            sink += (long) x;
        }
        if (round.equals("measured")) System.out.printf(Locale.ROOT, "%-16s %8.1f ns per block output%n", what, inside / (double) tokens / BLOCKS);
    }
}
