package io.tokenpath.capture.export;

import io.tokenpath.capture.format.DType;
import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;
import io.tokenpath.capture.util.OutputFileException;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Exports the selected tensors to numpy {@code .npy} files, one per layer: every frame of the layer is flattened to
 * rows of its last dimension ({@code [prod(shape[:-1]), shape[-1]]}) and the rows are concatenated in stream order,
 * as float32 (decoded values, so lossy frames export what the reader reconstructs). {@code <layer>.index.csv} says
 * which rows came from which frame. A layer whose frames disagree on the last dimension (attention scores over a
 * growing context, say) cannot be one matrix; it is written one {@code .npy} per frame, in its original shape, as
 * {@code <layer>.frames/<k>.npy} (a directory of its own, so its names cannot collide with another layer's).
 *
 * <p>Two passes: the first reads tensor headers only and plans every file (sizes, row offsets), the second decodes
 * each frame once and writes it at its planned position. Memory holds the plan and one tensor. Frames appended to
 * the file after the first pass (a capture still running) are left out, so plan and data agree.
 */
public final class NpyExporter {
    private NpyExporter() {}

    private static final String DESCR = DType.FLOAT32.numpyDescr();

    /** What was written for one layer. {@code lastDim} is -1 when the layer went one file per frame. */
    public record LayerFiles(String layer, List<Path> npyFiles, Path index, long frames, long rows, long lastDim,
            List<Long> lastDims) {
        public boolean perFrame() { return lastDim < 0; }
    }

    /** One frame's place in its layer's export. */
    private record Placement(long offset, long requestId, int step, long[] shape, long rowStart, long rows) {}

    private static final class LayerPlan {
        final List<Placement> frames = new ArrayList<>();
        final TreeSet<Long> lastDims = new TreeSet<>();
        long rows;
        long lastDim;
        /** Size of the npy header of the single-file export: where row 0 starts. */
        long dataStart;
    }

    /**
     * Writes the layers {@code selector} takes into {@code dir} (created if missing; existing files of the same
     * names are replaced).
     *
     * @return one entry per exported layer, in stream order; empty when nothing matched
     * @throws IOException if a frame does not decode (names its offset) or a file cannot be written (names it)
     */
    public static List<LayerFiles> export(StreamReader reader, TensorSelector selector, Path dir) throws IOException {
        Map<String, LayerPlan> plans = new LinkedHashMap<>();
        for (Frame f : selector.select(reader)) {
            TensorHeader h = f.tensorHeader();
            long[] shape = h.shape();
            long lastDim = shape.length == 0 ? 1 : shape[shape.length - 1];
            long rows = 1;
            for (int i = 0; i < shape.length - 1; i++) rows = Math.multiplyExact(rows, shape[i]);
            LayerPlan p = plans.computeIfAbsent(f.name(), n -> new LayerPlan());
            p.frames.add(new Placement(f.offset(), h.requestId(), h.step(), shape, p.rows, rows));
            p.rows += rows;
            p.lastDims.add(lastDim);
            p.lastDim = lastDim;
        }
        long limit = reader.end().offset();
        if (plans.isEmpty()) return List.of();

        Files.createDirectories(dir);
        FileNames names = new FileNames();
        Map<String, List<Path>> files = new LinkedHashMap<>();
        List<LayerFiles> result = new ArrayList<>();
        for (Map.Entry<String, LayerPlan> e : plans.entrySet()) {
            LayerPlan p = e.getValue();
            String base = names.unique(e.getKey());
            boolean perFrame = p.lastDims.size() > 1;
            List<Path> npy = new ArrayList<>();
            if (perFrame) {
                Path sub = Files.createDirectories(dir.resolve(base + ".frames"));
                int width = Integer.toString(p.frames.size() - 1).length();
                for (int k = 0; k < p.frames.size(); k++) {
                    npy.add(sub.resolve(String.format("%0" + width + "d", k) + ".npy"));
                }
            } else {
                Path file = dir.resolve(base + ".npy");
                byte[] header = NpyHeader.of(DESCR, new long[] {p.rows, p.lastDim});
                p.dataStart = header.length;
                writeNew(file, ByteBuffer.wrap(header));
                npy.add(file);
            }
            Path index = dir.resolve(base + ".index.csv");
            writeIndex(index, dir, p, perFrame ? npy : null);
            files.put(e.getKey(), npy);
            result.add(new LayerFiles(e.getKey(), Collections.unmodifiableList(npy), index, p.frames.size(), p.rows,
                    perFrame ? -1 : p.lastDim, List.copyOf(p.lastDims)));
        }

        Map<String, Integer> cursor = new LinkedHashMap<>();
        for (Frame f : selector.select(reader)) {
            if (f.offset() >= limit) break;
            LayerPlan p = plans.get(f.name());
            int k = cursor.merge(f.name(), 1, Integer::sum) - 1;
            if (p == null || k >= p.frames.size() || p.frames.get(k).offset != f.offset()) {
                // The file was replaced or rewritten between the passes; the plan no longer describes it.
                throw new StreamFormatException("stream changed during export: frame '" + f.name()
                        + "' was not there in the first pass", f.offset());
            }
            Placement pl = p.frames.get(k);
            ByteBuffer data = Float32Out.littleEndian(f.decode().floats());
            List<Path> npy = files.get(f.name());
            if (p.lastDims.size() > 1) {
                writeNew(npy.get(k), ByteBuffer.wrap(NpyHeader.of(DESCR, pl.shape)), data);
            } else {
                writeAt(npy.get(0), data, p.dataStart + pl.rowStart * p.lastDim * Float.BYTES);
            }
        }
        return Collections.unmodifiableList(result);
    }

    private static void writeNew(Path file, ByteBuffer... parts) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long pos = 0;
            for (ByteBuffer b : parts) {
                int n = b.remaining();
                Float32Out.writeFully(ch, b, pos);
                pos += n;
            }
        } catch (IOException e) {
            throw new OutputFileException(file, e);
        }
    }

    /**
     * Opens the layer's file for each frame rather than holding one channel per layer: a model has hundreds of
     * layers, more than a process may have files open, and an open per frame costs little beside a decode.
     */
    private static void writeAt(Path file, ByteBuffer data, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            Float32Out.writeFully(ch, data, position);
        } catch (IOException e) {
            throw new OutputFileException(file, e);
        }
    }

    private static void writeIndex(Path index, Path dir, LayerPlan p, List<Path> perFrameFiles) throws IOException {
        try (Writer w = Files.newBufferedWriter(index, StandardCharsets.UTF_8)) {
            w.write(perFrameFiles == null ? "row_start,rows,request_id,step,shape,frame_offset\n"
                    : "file,request_id,step,shape,frame_offset\n");
            for (int k = 0; k < p.frames.size(); k++) {
                Placement pl = p.frames.get(k);
                String lead = perFrameFiles == null ? pl.rowStart + "," + pl.rows
                        : dir.relativize(perFrameFiles.get(k)).toString().replace('\\', '/');
                // The shape is quoted: it holds commas, and "[a, b]" reads back with csv + json in Python.
                w.write(lead + "," + pl.requestId + "," + pl.step + ",\"" + Arrays.toString(pl.shape) + "\","
                        + pl.offset + "\n");
            }
        } catch (IOException e) {
            throw new OutputFileException(index, e);
        }
    }
}
