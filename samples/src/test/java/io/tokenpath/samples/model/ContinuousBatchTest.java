package io.tokenpath.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Continuous batching through DJL's ContrastiveSeqBatchScheduler on the tiny model, real PyTorch. */
class ContinuousBatchTest {

    private static final int NEW_TOKENS = 10;

    private static LanguageModel tiny;
    private static Predictor<NDList, CausalLMOutput> predictor;
    private static ModelRunner runner;

    @BeforeAll
    static void load() {
        tiny = LanguageModel.load(ModelConfig.TINY);
        predictor = tiny.newPredictor(new CausalLmTranslator(tiny.config()));
        runner = new ModelRunner(tiny);
    }

    @AfterAll
    static void close() {
        runner.close();
        predictor.close();
        tiny.close();
    }

    /** Sequences that join mid-flight get the tokens contrastive search gives each alone, and leave when done. */
    @Test
    void joinsMidFlightGiveTheUnbatchedTokens() throws Exception {
        List<String> prompts = List.of("the first prompt", "the other prompt", "a third one, ok!");
        int total = prompts.get(0).length() + NEW_TOKENS;
        int[] joinAfter = {0, 2, 5};
        Map<Long, long[]> done = new HashMap<>();
        List<Integer> sizes = new ArrayList<>();
        try (ContinuousBatch batch = new ContinuousBatch(tiny, predictor, total, 64)) {
            int next = 0;
            for (int step = 0; next < joinAfter.length || batch.size() > 0; step++) {
                while (next < joinAfter.length && joinAfter[next] == step) {
                    batch.join(next, ByteTokenizer.encode(prompts.get(next)));
                    next++;
                }
                sizes.add(batch.size());
                done.putAll(batch.step());
            }
            assertFalse(batch.admitting(), "an emptied batch is closed");
        }
        // Joined after 0, 2, 5 steps, 10 steps each: sizes 1,1, 2 x3, 3 x5, 2,2, 1 x3.
        assertEquals(List.of(1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 2, 2, 1, 1, 1), sizes);
        for (int i = 0; i < prompts.size(); i++) {
            long[] alone = runner.generate(prompts.get(i), NEW_TOKENS, SearchMode.CONTRASTIVE, TokenListener.NONE);
            assertArrayEquals(alone, done.get((long) i), "sequence " + i + " batched == contrastive search alone");
        }
    }

    /**
     * Garbage collections between joins and steps change nothing. DJL's own offsets of a new sequence are a view of
     * a closed array whose buffer a GC frees (see OwnedOffsetsScheduler); before the repair, these schedules failed
     * ("max(): Expected reduction dim 2 to have non-zero size", "Wrong shapes", sequences of the wrong length).
     */
    @Test
    void garbageCollectionsBetweenStepsChangeNoToken() throws Exception {
        // Prompts of different lengths, so joins pad the batch or the newcomer, and leaves trim it.
        List<String> prompts = List.of("abcdefg", "hello, batch", "xy", "a longer prompt", "mid size", "q");
        int total = 20;
        int[][] schedules = {{0, 0, 1, 3, 3, 6}, {0, 2, 2, 2, 5, 9}, {1, 1, 1, 1, 1, 1}, {0, 4, 7, 7, 8, 12}};
        Map<Integer, long[]> alone = new HashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            alone.put(i, runner.generate(prompts.get(i), total - prompts.get(i).length(), SearchMode.CONTRASTIVE,
                    TokenListener.NONE));
        }
        for (int[] joinAt : schedules) {
            Map<Long, long[]> done = new HashMap<>();
            try (ContinuousBatch batch = new ContinuousBatch(tiny, predictor, total, 64)) {
                int next = 0;
                for (int step = 0; next < joinAt.length || batch.size() > 0; step++) {
                    while (next < joinAt.length && joinAt[next] <= step) {
                        batch.join(next, ByteTokenizer.encode(prompts.get(next)));
                        next++;
                        collectGarbageAndReuseMemory();
                    }
                    if (batch.size() > 0) {
                        done.putAll(batch.step());
                        collectGarbageAndReuseMemory();
                    }
                }
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(alone.get(i), done.get((long) i), "sequence " + i + " of schedule "
                        + java.util.Arrays.toString(joinAt));
            }
        }
    }

    /** A full GC (its cleaners free unreachable direct buffers), then new direct buffers that may take their memory. */
    private static void collectGarbageAndReuseMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(2);
        List<java.nio.ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8 * (1 + i % 4));
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
            reuse.add(b);
        }
    }

    @Test
    void aBatchTakesOnlyItsTotalLengthAndOnlyDuringItsJoinSteps() throws Exception {
        try (ContinuousBatch batch = new ContinuousBatch(tiny, predictor, 12, 1)) {
            assertThrows(IllegalArgumentException.class, () -> batch.join(0, new long[12]), "prompt fills the length");
            batch.join(0, ByteTokenizer.encode("hello"));
            assertThrows(IllegalArgumentException.class, () -> batch.join(0, ByteTokenizer.encode("again")), "same uid");
            assertTrue(batch.step().isEmpty());
            assertFalse(batch.admitting(), "past its join steps");
            assertThrows(IllegalStateException.class, () -> batch.join(1, ByteTokenizer.encode("late")));
            Map<Long, long[]> done = new HashMap<>();
            while (batch.size() > 0) {
                done.putAll(batch.step());
            }
            assertEquals(12 - 5, done.get(0L).length);
        }
    }
}
