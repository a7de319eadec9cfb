package io.tokenpath.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The tiny decoder on the real PyTorch engine: determinism, every search path, the KV cache, block names. */
class DecoderModelTest {

    private static final String PROMPT = "The token path of a request: ";
    private static final int NEW_TOKENS = 12;

    private static LanguageModel tiny;
    private static ModelRunner runner;

    @BeforeAll
    static void load() {
        tiny = LanguageModel.load(ModelConfig.TINY);
        runner = new ModelRunner(tiny);
    }

    @AfterAll
    static void close() {
        runner.close();
        tiny.close();
    }

    @Test
    void parameterCountsMatchTheAdvertisedSizes() {
        assertEquals(ModelConfig.TINY.parameterCount(), tiny.parameterCount());
        long tinyParams = ModelConfig.TINY.parameterCount();
        long smallParams = ModelConfig.SMALL.parameterCount();
        assertTrue(tinyParams > 1_000_000 && tinyParams < 2_000_000, "tiny has " + tinyParams);
        assertTrue(smallParams > 25_000_000 && smallParams < 35_000_000, "small has " + smallParams);
    }

    @Test
    void sameTokensTwiceAndAcrossIndependentlyBuiltModels() throws Exception {
        long[] first = runner.generate(PROMPT, NEW_TOKENS, SearchMode.GREEDY, TokenListener.NONE);
        long[] again = runner.generate(PROMPT, NEW_TOKENS, SearchMode.GREEDY, TokenListener.NONE);
        assertArrayEquals(first, again);
        // A second model built from the config alone, with its own predictor: same weights, same tokens.
        try (LanguageModel other = LanguageModel.load(ModelConfig.TINY); ModelRunner otherRunner = new ModelRunner(other)) {
            assertArrayEquals(first, otherRunner.generate(PROMPT, NEW_TOKENS, SearchMode.GREEDY, TokenListener.NONE));
        }
    }

    @Test
    void everySearchPathProducesTheRequestedTokens() throws Exception {
        for (SearchMode mode : SearchMode.values()) {
            List<Long> seen = new ArrayList<>();
            long[] tokens = runner.generate(PROMPT, NEW_TOKENS, mode, (id, index) -> {
                assertEquals(seen.size(), index, mode + ": listener index");
                seen.add(id);
            });
            assertEquals(NEW_TOKENS, tokens.length, mode.wireName());
            assertEquals(NEW_TOKENS, seen.size(), mode.wireName() + " listener calls");
            for (int i = 0; i < tokens.length; i++) {
                assertEquals(tokens[i], seen.get(i), mode.wireName() + " token " + i);
                assertTrue(tokens[i] >= 0 && tokens[i] < ByteTokenizer.VOCAB_SIZE);
            }
        }
    }

    @Test
    void beamSearchHandlesASingleToken() throws Exception {
        assertEquals(1, runner.generate(PROMPT, 1, SearchMode.BEAM, TokenListener.NONE).length);
    }

    @Test
    void handLoopAndTextGeneratorGreedyAgree() throws Exception {
        assertArrayEquals(runner.generate(PROMPT, NEW_TOKENS, SearchMode.GREEDY, TokenListener.NONE),
                runner.generate(PROMPT, NEW_TOKENS, SearchMode.LOOP, TokenListener.NONE));
    }

    /** The KV-cached decode must compute what a full recomputation of the sequence computes. */
    @Test
    void cachedDecodeMatchesFullRecompute() throws Exception {
        long[] prompt = ByteTokenizer.encode(PROMPT);
        long[] generated = runner.generate(PROMPT, NEW_TOKENS, SearchMode.LOOP, TokenListener.NONE);
        long[] all = new long[prompt.length + generated.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);

        CausalLmTranslator translator = new CausalLmTranslator(tiny.config());
        try (Predictor<NDList, CausalLMOutput> predictor = tiny.newPredictor(translator);
                NDManager manager = tiny.newRequestManager()) {
            int n = all.length;
            NDArray ids = manager.create(new long[][] {all});
            NDArray positions = manager.arange(0L, n, 1L, DataType.INT64).reshape(1, n);
            NDArray mask = manager.ones(new Shape(1, n), DataType.INT64);
            NDArray logits = predictor.predict(new NDList(ids, positions, mask)).getLogits();
            for (int i = 0; i < generated.length; i++) {
                // The logits at position p predict token p + 1: the greedy token there must be the generated one.
                int p = prompt.length - 1 + i;
                long best = logits.get(new NDIndex("0, {}, :", p)).argMax().getLong();
                assertEquals(generated[i], best, "token " + i + " at position " + p);
            }
        }
    }

    @Test
    void blockPathsNameAttentionAndMlp() {
        List<String> paths = BlockPaths.of(tiny.block());
        assertTrue(paths.contains("01wte"), paths.toString());
        assertTrue(paths.contains("03h0/02attn"), paths.toString());
        assertTrue(paths.contains("03h0/02attn/01c_attn"), paths.toString());
        assertTrue(paths.contains("03h0/04mlp"), paths.toString());
        assertTrue(paths.contains("05h2/04mlp/02c_proj"), paths.toString());
        assertTrue(paths.contains("06ln_f"), paths.toString());
        assertTrue(paths.contains("07lm_head"), paths.toString());
    }

    @Test
    void aListenerCanCancelEitherStreamingPathAndTheRunnerStaysUsable() throws Exception {
        for (SearchMode mode : List.of(SearchMode.GREEDY, SearchMode.LOOP)) {
            GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                    () -> runner.generate(PROMPT, NEW_TOKENS, mode, (id, index) -> {
                        if (index == 2) {
                            throw new GenerationCancelledException("stop at 2");
                        }
                    }));
            assertEquals("stop at 2", e.getMessage());
        }
        // The greedy listener was removed from the translator: a plain run streams nothing stale and agrees.
        assertArrayEquals(runner.generate(PROMPT, NEW_TOKENS, SearchMode.LOOP, TokenListener.NONE),
                runner.generate(PROMPT, NEW_TOKENS, SearchMode.GREEDY, TokenListener.NONE));
    }

    @Test
    void requestsBeyondTheContextAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.generate(PROMPT, ModelConfig.TINY.context(), SearchMode.LOOP, TokenListener.NONE));
        assertTrue(e.getMessage().contains("exceeds the context"), e.getMessage());
    }
}
