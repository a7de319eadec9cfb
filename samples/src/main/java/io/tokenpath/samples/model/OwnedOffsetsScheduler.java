package io.tokenpath.samples.model;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.modality.nlp.generate.ContrastiveSeqBatchScheduler;
import ai.djl.modality.nlp.generate.SearchConfig;
import ai.djl.modality.nlp.generate.SeqBatcher;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;

import java.lang.reflect.Field;

/**
 * DJL 0.35.1's {@link ContrastiveSeqBatchScheduler} with one repair: every new sequence's offsets (its left padding)
 * are held in an array that owns its memory.
 *
 * <p>Why: DJL's {@code SeqBatchScheduler.computeOffSets} returns {@code manager.create(long[]).reshape(-1, 1)}
 * inside the {@code NDScope} of {@code initForward}. On the PyTorch engine {@code create} wraps a direct
 * {@code ByteBuffer} ({@code torch::from_blob}) that only the created array references; the scope closes that array,
 * and the reshaped view the {@code SeqBatcher} keeps then reads memory the next GC frees and reuses. Measured here:
 * with a {@code System.gc()} after each join, 7 of about 40 random join schedules failed ("max(): Expected reduction
 * dim 2 to have non-zero size", sequences that never reached their length, "Wrong shapes" in merge); without the
 * forced GC it failed once in a CI run. The fix writes the same values (leading pad tokens per row, as DJL counts them)
 * into a fresh {@code [batch, 1]} array before anything reads the view.
 */
final class OwnedOffsetsScheduler extends ContrastiveSeqBatchScheduler {

    private static final Field OFFSETS = offsetsField();

    private final long padTokenId;

    OwnedOffsetsScheduler(Predictor<NDList, CausalLMOutput> predictor, SearchConfig config) {
        super(predictor, config);
        this.padTokenId = config.getPadTokenId();
    }

    @Override
    public SeqBatcher initForward(NDArray inputIds, NDArray batchUids) throws TranslateException {
        SeqBatcher batcher = super.initForward(inputIds, batchUids);
        // Created here, outside DJL's scope: this array keeps its buffer until the batch's manager is closed.
        NDArray owned = inputIds.getManager().create(leadingPads(inputIds, padTokenId));
        try {
            OFFSETS.set(batcher, owned);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace SeqBatcher.offSets", e);
        }
        return batcher;
    }

    /** {@code [rows][1]}: how many pad tokens start each row of {@code inputIds [rows, length]}. */
    static long[][] leadingPads(NDArray inputIds, long padTokenId) {
        int rows = Math.toIntExact(inputIds.getShape().get(0));
        int length = Math.toIntExact(inputIds.getShape().get(1));
        long[] ids = inputIds.toLongArray();
        long[][] pads = new long[rows][1];
        for (int r = 0; r < rows; r++) {
            int i = 0;
            while (i < length && ids[r * length + i] == padTokenId) {
                i++;
            }
            pads[r][0] = i;
        }
        return pads;
    }

    private static Field offsetsField() {
        try {
            Field f = SeqBatcher.class.getDeclaredField("offSets");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw new ExceptionInInitializerError("this DJL's SeqBatcher has no field offSets to repair ("
                    + e + "); check whether computeOffSets still returns a view of a closed array");
        }
    }
}
