package io.tokenpath.capture.analysis;

import io.tokenpath.capture.codec.Encoding;
import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.TensorHeader;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the tensor headers of one layer say, without decoding a payload: frame count, source dtypes, the distinct
 * shapes seen (decode-step shapes usually differ from the prefill's; the first {@link #MAX_SHAPES} are kept), the
 * encodings used, bytes in the file and as source, and the largest recorded lossy error.
 */
public final class LayerInventory {
    /** Distinct shapes kept per layer (a growing context length makes one per step); more are only counted. */
    public static final int MAX_SHAPES = 1024;

    private final String name;
    private long frames;
    private final Set<DType> dtypes = new LinkedHashSet<>();
    private final Set<String> shapes = new LinkedHashSet<>();
    private boolean moreShapes;
    private final Set<String> encodings = new LinkedHashSet<>();
    private long fileBytes;
    private long sourceBytes;
    private double maxAbsError;
    private long sampledFrames;

    LayerInventory(String name) {
        this.name = name;
    }

    void add(TensorHeader h, long frameBytes) {
        frames++;
        dtypes.add(h.sourceDType());
        String shape = shapeText(h.shape());
        if (shapes.size() < MAX_SHAPES) shapes.add(shape);
        else if (!shapes.contains(shape)) moreShapes = true;
        encodings.add(Encoding.of(h.codec(), h.shuffled(), h.transform()).toString());
        fileBytes += frameBytes;
        sourceBytes += h.sourceByteCount();
        maxAbsError = Math.max(maxAbsError, h.maxAbsError());
        if (h.sample() != null) sampledFrames++;
    }

    /** A shape as "[1, 5, 64]". */
    public static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }

    public String name() { return name; }
    public long frames() { return frames; }
    public Set<DType> dtypes() { return Collections.unmodifiableSet(dtypes); }
    /** Distinct shapes in the order first seen (at most {@link #MAX_SHAPES}). */
    public Set<String> shapes() { return Collections.unmodifiableSet(shapes); }
    /** True when the layer has more distinct shapes than {@link #shapes()} holds. */
    public boolean moreShapes() { return moreShapes; }
    /** Encodings as "fp16+shuffle+lz4". */
    public Set<String> encodings() { return Collections.unmodifiableSet(encodings); }
    public long fileBytes() { return fileBytes; }
    public long sourceBytes() { return sourceBytes; }
    public double maxAbsError() { return maxAbsError; }

    /** Source bytes per file byte; NaN when the layer takes no bytes. */
    public double compressionRatio() {
        return fileBytes == 0 ? Double.NaN : (double) sourceBytes / fileBytes;
    }
    /** Frames stored as sampled slices (granularity sampled_slices). */
    public long sampledFrames() { return sampledFrames; }
}
