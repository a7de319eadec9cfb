package io.tokenpath.capture.cli;

import io.tokenpath.capture.export.NpyExporter;
import io.tokenpath.capture.export.SafetensorsExporter;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.read.TensorSelector;
import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code export FILE --out DIR [--format npy|safetensors|both] [selection]}: decoded float32 tensors for numpy,
 * PyTorch or anything else that reads .npy or .safetensors.
 */
final class ExportCommand implements Command {
    static final String SAFETENSORS_FILE = "activations.safetensors";

    @Override
    public String name() { return "export"; }

    @Override
    public String synopsis() {
        return "FILE --out DIR [--format npy|safetensors|both] " + SelectorOptions.SYNOPSIS;
    }

    @Override
    public String summary() {
        return "write the tensors as one .npy per layer (+ index .csv) and/or one " + SAFETENSORS_FILE;
    }

    @Override
    public Set<String> valued() {
        return SelectorOptions.plus("out", "format");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws IOException, UsageException {
        Path dir = Path.of(args.required("out", "DIR: where to write the exported files"));
        String format = args.value("format", "npy").toLowerCase(Locale.ROOT);
        if (!List.of("npy", "safetensors", "both").contains(format)) {
            throw new UsageException("--format: '" + args.value("format") + "' is not one of npy, safetensors, both");
        }
        TensorSelector sel = SelectorOptions.from(args);
        try (StreamReader r = StreamReader.open(args.file())) {
            SelectedAnalysis.noteTornTail(name(), args, r.end(), err);
            boolean any = false;
            if (!format.equals("safetensors")) any |= exportNpy(r, sel, dir, out);
            if (!format.equals("npy")) any |= exportSafetensors(r, sel, dir, out);
            if (!any) {
                SelectedAnalysis.nothingSelected(name(), args, sel, err);
                return ExitCode.FAILED;
            }
        }
        return ExitCode.OK;
    }

    private static boolean exportNpy(StreamReader r, TensorSelector sel, Path dir, PrintStream out) throws IOException {
        List<NpyExporter.LayerFiles> layers = NpyExporter.export(r, sel, dir);
        for (NpyExporter.LayerFiles l : layers) {
            if (l.perFrame()) {
                out.println(l.layer() + ": last dimension varies ("
                        + l.lastDims().stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + "), so one .npy per frame in its original shape: " + l.npyFiles().size() + " files in "
                        + l.npyFiles().get(0).getParent() + ", index " + l.index());
            } else {
                out.println(l.layer() + " -> " + l.npyFiles().get(0) + " [" + l.rows() + ", " + l.lastDim() + "] from "
                        + l.frames() + " frames, index " + l.index());
            }
        }
        return !layers.isEmpty();
    }

    private static boolean exportSafetensors(StreamReader r, TensorSelector sel, Path dir, PrintStream out)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "tokenpath-activations");
        meta.put("source_stream", String.valueOf(r.path().getFileName()));
        meta.put("selection", sel.toString());
        meta.put("tensor_naming", "<layer>/r<request>/s<step>, #k appended for the k-th repeat at one position");
        meta.put("values", "decoded float32 (lossy frames as the reader reconstructs them)");
        meta.put("stream_header", Json.write(r.header().metadata()));
        SafetensorsExporter.Result res = SafetensorsExporter.export(r, sel, dir.resolve(SAFETENSORS_FILE), meta);
        if (res == null) return false;
        out.println("safetensors -> " + res.file() + ": " + res.tensors() + " tensors, " + Fmt.count(res.dataBytes())
                + " data bytes");
        return true;
    }
}
