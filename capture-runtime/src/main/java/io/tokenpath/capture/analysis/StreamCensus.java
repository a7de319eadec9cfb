package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stream says about itself, gathered frame by frame: frames by kind, the drop counts the writer recorded,
 * where the capture was resumed, and whether it was closed with an {@code __end} frame. Shared by inspect and
 * verify so both read the metadata frames the same way.
 *
 * <p>Feed it every frame in order with {@link #accept}; it reads only the small JSON frames (drops, resume, end).
 */
public final class StreamCensus {
    private final EnumMap<FrameKind, Long> counts = new EnumMap<>(FrameKind.class);
    private long frames;
    private Map<String, Long> drops = Map.of();
    private long dropsFrames;
    private final List<ResumePoint> resumes = new ArrayList<>();
    private long endFrameOffset = -1;
    private Map<String, Object> endSummary;
    private FrameKind lastKind;

    /**
     * Counts {@code f} and, for a drops, resume or end frame, parses its JSON. The frame is counted before its data
     * is read, so a frame that fails to parse is still in the counts.
     *
     * @throws StreamFormatException if a metadata frame's JSON is invalid or lacks a field (names the offset)
     */
    public void accept(Frame f) throws IOException {
        counts.merge(f.kind(), 1L, Long::sum);
        frames++;
        lastKind = f.kind();
        switch (f.kind()) {
            case DROPS:
                dropsFrames++;
                drops = dropCounts(f);
                break;
            case RESUME:
                resumes.add(resumePoint(f));
                break;
            case END:
                endFrameOffset = f.offset();
                endSummary = f.json();
                break;
            default:
                break;
        }
    }

    /** Drops frames hold cumulative counts, so the last one is the total; the timestamp is not a reason. */
    private static Map<String, Long> dropCounts(Frame f) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : f.json().entrySet()) {
            if (e.getKey().equals("timestamp_ns")) continue;
            if (!(e.getValue() instanceof Number n)) {
                throw new StreamFormatException("__drops frame: count '" + e.getKey() + "' is not a number", f.offset());
            }
            m.put(e.getKey(), n.longValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static ResumePoint resumePoint(Frame f) throws IOException {
        Map<String, Object> j = f.json();
        try {
            return new ResumePoint(f.offset(), Json.getLong(j, "resumed_at"), Json.getLong(j, "truncated_bytes"),
                    Boolean.TRUE.equals(j.get("from_checkpoint")));
        } catch (IllegalArgumentException e) {
            throw new StreamFormatException("__resume frame: " + e.getMessage(), f.offset());
        }
    }

    public long frames() { return frames; }

    public long count(FrameKind k) { return counts.getOrDefault(k, 0L); }

    /** Counts of every kind, zero included, in {@link FrameKind} order. */
    public Map<FrameKind, Long> countsByKind() {
        EnumMap<FrameKind, Long> m = new EnumMap<>(FrameKind.class);
        for (FrameKind k : FrameKind.values()) m.put(k, count(k));
        return m;
    }

    /** Drop counts by reason as last recorded in the stream (empty when nothing was dropped). */
    public Map<String, Long> drops() { return drops; }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }

    public long dropsFrames() { return dropsFrames; }

    public List<ResumePoint> resumes() { return Collections.unmodifiableList(resumes); }

    /** Offset of the last {@code __end} frame, or -1 when there is none. */
    public long endFrameOffset() { return endFrameOffset; }

    /** The writer's totals from the last {@code __end} frame, or null. */
    public Map<String, Object> endSummary() { return endSummary; }

    /**
     * True when the last frame is an {@code __end} frame: the writer closed the capture. An {@code __end} followed
     * by more frames means the capture was resumed after it and not closed again.
     */
    public boolean closedCleanly() { return lastKind == FrameKind.END; }
}
