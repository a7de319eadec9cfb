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
