package io.tokenpath.capture.read;

import io.tokenpath.capture.format.TensorHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which tensor frames to visit: by layer (frame) name, exact or by regex, by request id and by step range.
 * Immutable; each {@code with...} method returns a narrowed copy.
 *
 * <p>Selection is lazy and cheap: the name is tested first (it is known from the frame header alone), then only the
 * tensor header is read for the request and step; payloads of frames that do not match are never read.
 *
 * <pre>{@code
 * TensorSelector sel = TensorSelector.all().layerMatching("attn").request(7).steps(1, 4);
 * for (Frame f : sel.select(reader)) { float[] x = f.decode().floats(); ... }
 * }</pre>
 */
public final class TensorSelector {
    private static final TensorSelector ALL = new TensorSelector(name -> true, null, null, Integer.MIN_VALUE,
            Integer.MAX_VALUE);

    private final Predicate<String> layer;
    /** How the layer filter was given, for messages ("no tensor matches ..."); null when any layer matches. */
    private final String layerText;
    private final Long requestId;
    private final int stepFrom;
    private final int stepTo;

    private TensorSelector(Predicate<String> layer, String layerText, Long requestId, int stepFrom, int stepTo) {
        this.layer = layer;
        this.layerText = layerText;
        this.requestId = requestId;
        this.stepFrom = stepFrom;
        this.stepTo = stepTo;
    }

    /** Every tensor frame. */
    public static TensorSelector all() {
        return ALL;
    }

    /** Only frames whose name is exactly {@code name}. */
    public TensorSelector layer(String name) {
        return new TensorSelector(name::equals, "layer '" + name + "'", requestId, stepFrom, stepTo);
    }

    /**
     * Only frames whose name contains a match of {@code regex} (as grep does; anchor with ^ and $ for a whole-name
     * match).
     *
     * @throws IllegalArgumentException if the regex does not compile, with the reason
     */
    public TensorSelector layerMatching(String regex) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid layer regex '" + regex + "': " + e.getDescription()
                    + " near index " + e.getIndex());
        }
        return new TensorSelector(name -> p.matcher(name).find(), "layer regex '" + regex + "'", requestId, stepFrom,
                stepTo);
    }

    /** Only frames of request {@code id} (-1 selects frames not tied to a request). */
    public TensorSelector request(long id) {
        return new TensorSelector(layer, layerText, id, stepFrom, stepTo);
    }

    /** Only frames whose step lies in {@code [from, to]} (both inclusive). */
    public TensorSelector steps(int from, int to) {
        if (from > to) throw new IllegalArgumentException("empty step range " + from + ".." + to);
        return new TensorSelector(layer, layerText, requestId, from, to);
    }

    /** True when no filter is set: every tensor frame matches. */
    public boolean selectsAll() {
        return layerText == null && requestId == null && stepFrom == Integer.MIN_VALUE && stepTo == Integer.MAX_VALUE;
    }

    /** True when a frame of this name may match (the name test alone, no I/O). */
    public boolean matchesName(String name) {
        return layer.test(name);
    }

    /** True when a tensor or token at this request and step lies within the request and step filters. */
    public boolean matchesPosition(long request, int step) {
        return (requestId == null || requestId == request) && step >= stepFrom && step <= stepTo;
    }

    /**
     * True when {@code f} is a tensor frame that this selector takes. Reads the tensor header only when the name
     * matches and a request or step filter is set.
     *
     * @throws IOException if the tensor header cannot be read or is invalid (names the frame's offset)
     */
    public boolean matches(Frame f) throws IOException {
        if (f.kind() != FrameKind.TENSOR || !layer.test(f.name())) return false;
        if (requestId == null && stepFrom == Integer.MIN_VALUE && stepTo == Integer.MAX_VALUE) return true; // no header read
        TensorHeader h = f.tensorHeader();
        return matchesPosition(h.requestId(), h.step());
    }

    /**
     * The matching tensor frames of {@code reader}, in stream order, found lazily as the iteration goes. An invalid
     * tensor header met during the iteration is thrown as an {@link UncheckedIOException} whose cause is the
     * {@link io.tokenpath.capture.format.StreamFormatException} naming the frame's offset (an iterator cannot throw
     * checked exceptions; hiding the frame instead would lose data silently).
     */
    public Iterable<Frame> select(StreamReader reader) {
        return () -> new Iterator<>() {
            private final Iterator<Frame> frames = reader.iterator();
            private Frame next;

            @Override
            public boolean hasNext() {
                while (next == null && frames.hasNext()) {
                    Frame f = frames.next();
                    try {
                        if (matches(f)) next = f;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public Frame next() {
                if (!hasNext()) throw new NoSuchElementException();
                Frame f = next;
                next = null;
                return f;
            }
        };
    }

    /** The filters in words, e.g. "layer regex 'attn', request 7, steps 1..4", or "all tensors". */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (layerText != null) sb.append(layerText);
        if (requestId != null) sb.append(sb.length() > 0 ? ", " : "").append("request ").append(requestId);
        if (stepFrom != Integer.MIN_VALUE || stepTo != Integer.MAX_VALUE) {
            sb.append(sb.length() > 0 ? ", " : "").append("steps ").append(stepFrom).append("..").append(stepTo);
        }
        return sb.length() == 0 ? "all tensors" : sb.toString();
    }
}
