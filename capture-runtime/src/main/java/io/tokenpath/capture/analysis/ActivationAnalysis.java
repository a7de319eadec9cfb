package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Activation statistics of a stream per layer and per token: every selected tensor frame is decoded once and its
 * statistics are folded into its (layer, token) cell and its layer's total; its bytes are attributed to the token
 * position (request, step) it carries. Token texts come from the {@code __token} frames at the same positions.
 *
 * <p>Memory is bounded by one decoded tensor plus one accumulator per cell, whatever the file size. A torn tail
 * ends the analysis at the valid prefix; {@link #end()} says so.
 */
public final class ActivationAnalysis {
    private final TensorSelector selector;
    private final List<LayerSummary> layers;
    private final List<TokenSummary> tokens;
    private final Map<String, Map<TokenKey, ActivationStats>> cells;
    private final StreamEnd end;

    private ActivationAnalysis(TensorSelector selector, List<LayerSummary> layers, List<TokenSummary> tokens,
            Map<String, Map<TokenKey, ActivationStats>> cells, StreamEnd end) {
        this.selector = selector;
        this.layers = layers;
        this.tokens = tokens;
        this.cells = cells;
        this.end = end;
    }

    /**
     * Analyses the tensors {@code selector} takes, and the tokens at the positions it allows.
     *
     * @throws IOException if a selected frame does not decode (the exception names its offset)
     */
    public static ActivationAnalysis run(StreamReader reader, TensorSelector selector) throws IOException {
        Map<String, LayerTally> layers = new LinkedHashMap<>();
        Map<TokenKey, TokenTally> tokens = new TreeMap<>();
        for (Frame f : reader) {
            if (f.kind() == FrameKind.TOKEN) {
                TokenRecord t = f.token();
                if (selector.matchesPosition(t.requestId(), t.step())) {
                    tokens.computeIfAbsent(new TokenKey(t.requestId(), t.step()), k -> new TokenTally()).token = t;
                }
            } else if (selector.matches(f)) {
                TensorHeader h = f.tensorHeader();
                TokenKey key = new TokenKey(h.requestId(), h.step());
                StatsAccumulator values = StatsAccumulator.of(f.decode().floats());
                layers.computeIfAbsent(f.name(), n -> new LayerTally()).add(key, values, f.totalLength(), h);
                tokens.computeIfAbsent(key, k -> new TokenTally()).add(f.totalLength(), h.sourceByteCount());
            }
        }
        List<LayerSummary> layerList = new ArrayList<>();
        Map<String, Map<TokenKey, ActivationStats>> cells = new LinkedHashMap<>();
        layers.forEach((name, t) -> {
            layerList.add(new LayerSummary(name, t.frames, t.fileBytes, t.sourceBytes, t.maxAbsError, t.total.snapshot()));
            Map<TokenKey, ActivationStats> row = new TreeMap<>();
            t.cells.forEach((k, acc) -> row.put(k, acc.snapshot()));
            cells.put(name, Collections.unmodifiableMap(row));
        });
        List<TokenSummary> tokenList = new ArrayList<>();
        tokens.forEach((k, t) -> tokenList.add(new TokenSummary(k, t.token, t.frames, t.fileBytes, t.sourceBytes)));
        return new ActivationAnalysis(selector, Collections.unmodifiableList(layerList),
                Collections.unmodifiableList(tokenList), Collections.unmodifiableMap(cells), reader.end());
    }

    /** Running totals of one layer while the stream is read. */
    private static final class LayerTally {
        final Map<TokenKey, StatsAccumulator> cells = new TreeMap<>();
        final StatsAccumulator total = new StatsAccumulator();
        long frames;
        long fileBytes;
        long sourceBytes;
        double maxAbsError;

        void add(TokenKey key, StatsAccumulator values, long frameBytes, TensorHeader h) {
            cells.computeIfAbsent(key, k -> new StatsAccumulator()).merge(values);
            total.merge(values);
            frames++;
            fileBytes += frameBytes;
            sourceBytes += h.sourceByteCount();
            maxAbsError = Math.max(maxAbsError, h.maxAbsError());
        }
    }

    /** Running totals of one token position. */
    private static final class TokenTally {
        TokenRecord token;
        long frames;
        long fileBytes;
        long sourceBytes;

        void add(long frameBytes, long source) {
            frames++;
            fileBytes += frameBytes;
            sourceBytes += source;
        }
    }

    public TensorSelector selector() { return selector; }

    /** Layers in the order their first frame appears in the stream. */
    public List<LayerSummary> layers() { return layers; }

    /** Token positions that have a selected tensor or a token frame, ordered by request then step. */
    public List<TokenSummary> tokens() { return tokens; }

    /** Statistics of {@code layer}'s values at {@code token}, or null when the layer has no frame there. */
    public ActivationStats cell(String layer, TokenKey token) {
        Map<TokenKey, ActivationStats> row = cells.get(layer);
        return row == null ? null : row.get(token);
    }

    /** The (token, statistics) cells of one layer, ordered by token; empty for an unknown layer. */
    public Map<TokenKey, ActivationStats> row(String layer) {
        return cells.getOrDefault(layer, Map.of());
    }

    public long tensorFrames() {
        return layers.stream().mapToLong(LayerSummary::frames).sum();
    }

    /** Bytes the selected tensor frames take in the file (frame headers, names and encoded payloads). */
    public long tensorFileBytes() {
        return layers.stream().mapToLong(LayerSummary::fileBytes).sum();
    }

    /** Bytes the selected tensors had as source data. */
    public long sourceBytes() {
        return layers.stream().mapToLong(LayerSummary::sourceBytes).sum();
    }

    /** Source bytes per tensor-frame byte; NaN when nothing was selected. */
    public double compressionRatio() {
        long f = tensorFileBytes();
        return f == 0 ? Double.NaN : (double) sourceBytes() / f;
    }

    /** How the stream ended: a torn tail means only the valid prefix was analysed. */
    public StreamEnd end() { return end; }
}
