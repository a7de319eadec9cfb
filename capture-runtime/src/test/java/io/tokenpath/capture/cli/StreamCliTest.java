package io.tokenpath.capture.cli;

import io.tokenpath.capture.ReferenceStats;
import io.tokenpath.capture.SampleStreams;
import io.tokenpath.capture.StreamSurgery;
import io.tokenpath.capture.StreamSurgery.Span;
import io.tokenpath.capture.analysis.ActivationStats;
import io.tokenpath.capture.export.NpyFile;
import io.tokenpath.capture.export.SafetensorsFile;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The CLI run in-process on real streams; assertions are on the content of what it prints and writes. */
class StreamCliTest {
    @TempDir
    static Path dir;
    static SampleStreams.Written sample;
    static SampleStreams.Written lossy;

    @BeforeAll
    static void write() throws IOException {
        sample = SampleStreams.lossless(dir.resolve("run.stream"));
        lossy = SampleStreams.lossy(dir.resolve("lossy.stream"));
    }

    record Run(int code, String out, String err) {
        Run expect(int want) {
            assertEquals(want, code, () -> "exit status; stdout:\n" + out + "\nstderr:\n" + err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), () -> "no stack trace for users:\n" + err);
            return this;
        }
    }

    static Run cli(Object... args) {
        String[] a = Stream.of(args).map(String::valueOf).toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StreamCli.run(a, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertLine(String text, String regex) {
        Pattern p = Pattern.compile(regex);
        assertTrue(text.lines().anyMatch(l -> p.matcher(l).matches()), () -> "no line matches " + regex + " in:\n" + text);
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    // ---- inspect ------------------------------------------------------------------------------------------------

    @Test
    void inspectListsLayersRequestsAndCounts() {
        Run r = cli("inspect", sample.file()).expect(0);
        assertLine(r.out, "frames    44: 1 header, 35 tensor, 7 token, 0 drops, 0 resume, 0 request, 1 end, 0 unknown_reserved");
        assertLine(r.out, "end       clean: closed by the writer \\(__end frame at offset \\d+\\)");
        assertLine(r.out, "drops     none recorded");
        assertLine(r.out, "layers \\(5\\)");
        for (String layer : SampleStreams.LAYERS) {
            assertLine(r.out, "  " + Pattern.quote(layer) + " +7  float32  .*");
        }
        assertLine(r.out, "  model\\.layers\\.0\\.mlp +7  float32  \\[1, 5, 16\\] \\[1, 3, 16\\] \\[1, 1, 16\\] .*");
        assertLine(r.out, "  model\\.layers\\.0\\.attn_scores +7  float32  \\[1, 2, 5, 5\\] \\[1, 2, 3, 3\\] \\[1, 2, 1, 6\\] \\+4 more .*");
        assertLine(r.out, "requests \\(2\\)");
        assertLine(r.out, " +7 +4 +0\\.\\.3  yes +20 +[0-9,]+");
        assertLine(r.out, " +9 +3 +0\\.\\.2  yes +15 +[0-9,]+");
        assertLine(r.out, "  metadata +model=tiny-test-lm");
    }

    @Test
    void inspectShowsTheTransformOfALossyStream() {
        Run r = cli("inspect", lossy.file()).expect(0);
        assertLine(r.out, "  model\\.layers\\.1\\.mlp .* fp16\\+.*");
        List<String> layerRows = r.out.lines().filter(l -> l.startsWith("  model.")).toList();
        assertEquals(5, layerRows.size());
        for (String row : layerRows) {
            String maxAbsError = row.substring(row.lastIndexOf(' ') + 1);
            assertTrue(Double.parseDouble(maxAbsError) > 0, "fp16 frames record a non-zero error bound: " + row);
        }
    }

    @Test
    void inspectFramesListsEveryFrame() throws IOException {
        Run r = cli("inspect", "--frames", sample.file()).expect(0);
        int frames = 0;
        try (StreamReader rd = StreamReader.open(sample.file())) {
            for (Frame f : rd) {
                frames++;
                String kind = f.kind().name().toLowerCase(Locale.ROOT);
                assertLine(r.out, " *" + f.offset() + "  " + kind + " +" + f.totalLength() + " .*" + Pattern.quote(f.name()) + ".*");
            }
        }
        assertEquals(44, frames);
        assertLine(r.out, " *\\d+  token +\\d+ +9 +2  __token +id 1902 \" world\" last");
    }

    // ---- verify -------------------------------------------------------------------------------------------------

    @Test
    void verifyPassesACleanStream() {
        Run r = cli("verify", sample.file()).expect(0);
        assertLine(r.out, "verify .*: 44 frames, 35 tensors and 7 tokens decoded, " + Pattern.quote(n(sizeOf(sample.file())))
                + " bytes");
        assertLine(r.out, "OK: every frame decodes, CRCs match, the writer closed the stream");
    }

    @Test
    void verifyNamesTheFrameWithAFlippedPayloadByte() throws IOException {
        Path bad = StreamSurgery.copy(SampleStreams.uncompressed(dir.resolve("plain.stream")).file(), "flipped.stream");
        Span victim = StreamSurgery.frames(bad, FrameKind.TENSOR).get(9);
        StreamSurgery.flipLastByte(bad, victim);
        Run r = cli("verify", bad).expect(1);
        assertLine(r.out, "  problem: offset " + victim.offset() + " \\(frame '" + Pattern.quote(victim.name())
                + "'\\): CRC32C mismatch: stored [0-9a-f]{8}, computed [0-9a-f]{8}");
        assertLine(r.out, "FAILED: 1 problem\\(s\\)");
        assertLine(r.out, "verify .*: 44 frames, 34 tensors and 7 tokens decoded, .*");
    }

    @Test
    void verifyReportsATornTailWithTheValidPrefix() throws IOException {
        Path torn = StreamSurgery.copy(sample.file(), "torn.stream");
        Span cut = StreamSurgery.frames(torn, FrameKind.TENSOR).get(25);
        StreamSurgery.truncate(torn, cut.offset() + 17);
        Run r = cli("verify", torn).expect(2);
        assertLine(r.out, "TORN: the frame at offset " + cut.offset() + " is incomplete \\(.*\\)");
        assertLine(r.out, "  valid prefix: " + Pattern.quote(n(cut.offset())) + " bytes \\(\\d+ complete frames\\); 17 trailing bytes");
        assertLine(r.out, "  resuming this capture \\(resume=true\\) will cut the 17 trailing bytes and append from offset "
                + cut.offset());
    }

    @Test
    void verifyReportsBrokenFramingWithItsOffset() throws IOException {
        Path broken = StreamSurgery.copy(sample.file(), "framing.stream");
        Span token = StreamSurgery.frames(broken, FrameKind.TOKEN).get(2);
        try (FileChannel ch = FileChannel.open(broken, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0}), token.offset()); // name_len 0 is never valid
        }
        Run r = cli("verify", broken).expect(1);
        assertLine(r.out, "  problem: offset " + token.offset() + ": corrupt framing: frame with an empty name; .*");
    }

    // ---- stats --------------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    static ActivationStats stats(Object o) {
        Map<String, Object> m = (Map<String, Object>) o;
        return new ActivationStats(num(m.get("count")).longValue(), num(m.get("l2")).doubleValue(),
                num(m.get("mean")).doubleValue(), num(m.get("std")).doubleValue(), num(m.get("min")).doubleValue(),
                num(m.get("max")).doubleValue(), num(m.get("sparsity")).doubleValue(), num(m.get("zeros")).longValue(),
                num(m.get("non_finite")).longValue());
    }

    static Number num(Object o) {
        return (Number) o;
    }

    @Test
    void statsJsonEqualsStatisticsOfTheWrittenValues() {
        Run r = cli("stats", "--json", sample.file()).expect(0);
        Map<String, Object> doc = Json.parseObject(r.out);
        List<Map<String, Object>> layers = list(doc.get("layers"));
        assertEquals(SampleStreams.LAYERS, layers.stream().map(l -> l.get("name")).toList());
        int cells = 0;
        for (Map<String, Object> l : layers) {
            String name = (String) l.get("name");
            ReferenceStats.assertClose(ReferenceStats.of(ReferenceStats.concat(sample.of(name))), stats(l.get("stats")));
            for (Map<String, Object> c : list(l.get("tokens"))) {
                long req = num(c.get("request_id")).longValue();
                int step = num(c.get("step")).intValue();
                SampleStreams.Tensor t = sample.of(name).stream().filter(x -> x.request() == req && x.step() == step)
                        .findFirst().orElseThrow();
                ReferenceStats.assertClose(ReferenceStats.of(t.values()), stats(c));
                cells++;
            }
        }
        assertEquals(35, cells);
        List<Map<String, Object>> tokens = list(doc.get("tokens"));
        assertEquals(List.of("The", " cat", " sat", ".", "Hello", ",", " world"), tokens.stream().map(t -> t.get("text")).toList());
        long frameBytes = tokens.stream().mapToLong(t -> num(t.get("file_bytes")).longValue()).sum();
        Map<?, ?> totals = (Map<?, ?>) doc.get("totals");
        assertEquals(num(totals.get("tensor_file_bytes")).longValue(), frameBytes);
        assertEquals(35L, totals.get("tensor_frames"));
        long source = sample.tensors().stream().mapToLong(t -> t.values().length * 4L).sum();
        assertEquals(source, num(totals.get("source_bytes")).longValue());
        assertEquals((double) source / frameBytes, num(totals.get("compression_ratio")).doubleValue(), 1e-12);
    }

    @Test
    void statsOfALossyStreamStayWithinItsErrorBound() {
        Run r = cli("stats", "--json", "--layer", "self_attn", lossy.file()).expect(0);
        for (Map<String, Object> l : list(Json.parseObject(r.out).get("layers"))) {
            double bound = num(l.get("max_abs_error")).doubleValue();
            assertTrue(bound > 0);
            ActivationStats want = ReferenceStats.of(ReferenceStats.concat(lossy.of((String) l.get("name"))));
            ActivationStats got = stats(l.get("stats"));
            assertEquals(want.mean(), got.mean(), bound);
            assertEquals(want.min(), got.min(), bound);
            assertEquals(want.max(), got.max(), bound);
        }
    }

    @Test
    void statsTableShowsLayersTokensAndTheRatio() {
        Run r = cli("stats", "--layer", "mlp$", "--request", "9", sample.file()).expect(0);
        assertLine(r.out, "stats .*: 6 tensor frames in 2 layers, 3 token positions \\(layer regex 'mlp\\$', request 9\\)");
        SampleStreams.Tensor t = sample.of("model.layers.1.mlp").stream().filter(x -> x.request() == 9 && x.step() == 2)
                .findFirst().orElseThrow();
        ActivationStats s = ReferenceStats.of(t.values());
        assertLine(r.out, "  model\\.layers\\.1\\.mlp +9 +2  \" world\" +16 +" + Pattern.quote(Fmt.num(s.l2())) + " +"
                + Pattern.quote(Fmt.num(s.mean())) + " +" + Pattern.quote(Fmt.num(s.std())) + " +" + Pattern.quote(Fmt.num(s.min())) + " +"
                + Pattern.quote(Fmt.num(s.max())) + " +" + Pattern.quote(Fmt.num(s.sparsity())));
        assertLine(r.out, " +9 +0 +1900  \"Hello\" +2 +[0-9,]+ +384");
        assertLine(r.out, "total     640 source bytes in [0-9,]+ bytes of tensor frames: compression ratio \\d+\\.\\d\\d "
                + "\\(stream file [0-9,]+ bytes\\)");
        assertFalse(r.out.contains("self_attn"));
    }

    @Test
    void statsWithNothingSelectedFails() {
        Run r = cli("stats", "--layer", "no-such-layer", sample.file()).expect(1);
        assertTrue(r.err.contains("no tensor frame in " + sample.file() + " matches layer regex 'no-such-layer'"), r.err);
    }

    @Test
    void statsOnATornFileCoversTheValidPrefixAndSaysSo() throws IOException {
        Path torn = StreamSurgery.copy(sample.file(), "torn-stats.stream");
        Span cut = StreamSurgery.frames(torn, FrameKind.TENSOR).get(30);
        StreamSurgery.truncate(torn, cut.offset() + 9);
        Run r = cli("stats", "--json", torn).expect(0);
        assertTrue(r.err.contains("only the frames before offset " + cut.offset() + " are used"), r.err);
        assertEquals(30L, ((Map<?, ?>) Json.parseObject(r.out).get("totals")).get("tensor_frames"));
    }

    // ---- export -------------------------------------------------------------------------------------------------

    @Test
    void exportNpyOfSelectedLayers() throws IOException {
        Path out = dir.resolve("export-npy");
        Run r = cli("export", sample.file(), "--out", out, "--layer", "self_attn").expect(0);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of("model.layers.0.self_attn.npy", "model.layers.0.self_attn.index.csv",
                    "model.layers.1.self_attn.npy", "model.layers.1.self_attn.index.csv"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        for (String layer : List.of("model.layers.0.self_attn", "model.layers.1.self_attn")) {
            NpyFile f = NpyFile.read(out.resolve(layer + ".npy"));
            assertArrayEquals(new long[] {13, 16}, f.shape());
            assertArrayEquals(ReferenceStats.concat(sample.of(layer)), f.data());
            assertLine(r.out, Pattern.quote(layer + " -> " + out.resolve(layer + ".npy")) + " \\[13, 16\\] from 7 frames, .*");
        }
    }

    @Test
    void exportBothFormatsSaysWhichLayerWentPerFrame() throws IOException {
        Path out = dir.resolve("export-both");
        Run r = cli("export", "--format", "both", "--out", out, sample.file()).expect(0);
        assertLine(r.out, "model\\.layers\\.0\\.attn_scores: last dimension varies \\(3, 4, 5, 6, 7, 8\\), so one \\.npy per frame"
                + " in its original shape: 7 files in .*");
        assertLine(r.out, "safetensors -> .*activations\\.safetensors: 35 tensors, 3,840 data bytes");
        SafetensorsFile st = SafetensorsFile.read(out.resolve("activations.safetensors"));
        assertEquals(35, st.tensors().size());
        for (SampleStreams.Tensor t : sample.tensors()) {
            assertArrayEquals(t.values(), st.tensors().get(t.layer() + "/r" + t.request() + "/s" + t.step()));
        }
        assertEquals("run.stream", st.metadata().get("source_stream"));
        assertEquals("all tensors", st.metadata().get("selection"));
        assertEquals("tiny-test-lm", ((Map<?, ?>) Json.parseObject(st.metadata().get("stream_header")).get("metadata")).get("model"));
        NpyFile scores = NpyFile.read(out.resolve("model.layers.0.attn_scores.frames").resolve("6.npy"));
        assertArrayEquals(new long[] {1, 2, 1, 8}, scores.shape());
    }

    @Test
    void exportSafetensorsOnlyForOneRequestAndSteps() throws IOException {
        Path out = dir.resolve("export-st");
        cli("export", "--format=safetensors", "--out=" + out, "--request", "7", "--steps", "1..2", sample.file()).expect(0);
        SafetensorsFile st = SafetensorsFile.read(out.resolve("activations.safetensors"));
        assertEquals(10, st.tensors().size());
        assertTrue(st.tensors().keySet().stream().allMatch(k -> k.contains("/r7/s1") || k.contains("/r7/s2")), st.tensors().keySet().toString());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(1, files.count(), "no npy files for --format safetensors");
        }
    }

    // ---- plot ---------------------------------------------------------------------------------------------------

    @Test
    void plotWritesALegibleHeatMap() throws IOException {
        Path png = dir.resolve("plots/l2.png");
        Run r = cli("plot", sample.file(), "--out", png).expect(0);
        assertLine(r.out, "plot -> .*l2\\.png: l2 of 5 layers x 7 tokens, 1200x800");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(800, img.getHeight());
        assertTrue(distinctColours(img) > 50, "cells, colour bar and text: far from uniform");
    }

    @Test
    void plotOtherStatisticAndSize() throws IOException {
        Path png = dir.resolve("sparsity.png");
        cli("plot", sample.file(), "--out", png, "--stat", "sparsity", "--request", "9", "--width", "640", "--height", "480")
                .expect(0);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        assertTrue(distinctColours(img) > 20);
    }

    static int distinctColours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) c.add(img.getRGB(x, y));
        return c.size();
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    @Test
    void usageErrorsExit64WithTheUsage() {
        Run none = cli().expect(64);
        assertTrue(none.err.contains("usage: tokenpath-stream <command> [options] <file>"), none.err);

        Run unknown = cli("frobnicate", sample.file()).expect(64);
        assertTrue(unknown.err.contains("unknown command 'frobnicate' (commands: inspect, verify, stats, export, plot, demo)"), unknown.err);

        List<Object[]> bad = new ArrayList<>();
        bad.add(new Object[] {new Object[] {"inspect", "--bogus", sample.file()}, "unknown option --bogus for 'inspect'"});
        bad.add(new Object[] {new Object[] {"stats", sample.file(), "--layer"}, "option --layer needs a value"});
        bad.add(new Object[] {new Object[] {"stats", "--request", "seven", sample.file()}, "--request: 'seven' is not an integer"});
        bad.add(new Object[] {new Object[] {"stats", "--layer", "(", sample.file()}, "--layer: invalid layer regex '('"});
        bad.add(new Object[] {new Object[] {"stats", "--steps", "4..2", sample.file()}, "--steps: empty range '4..2'"});
        bad.add(new Object[] {new Object[] {"verify", sample.file(), "other.stream"}, "unexpected argument 'other.stream'"});
        bad.add(new Object[] {new Object[] {"verify"}, "missing FILE"});
        bad.add(new Object[] {new Object[] {"export", sample.file()}, "missing --out DIR"});
        bad.add(new Object[] {new Object[] {"export", "--out", dir, "--format", "hdf5", sample.file()}, "--format: 'hdf5' is not one of"});
        bad.add(new Object[] {new Object[] {"plot", "--out", "x.png", "--stat", "median", sample.file()}, "--stat: unknown statistic 'median'"});
        bad.add(new Object[] {new Object[] {"plot", "--out", "x.png", "--width", "10", sample.file()}, "--width: 10 is outside 320..16384"});
        bad.add(new Object[] {new Object[] {"inspect", "-v", sample.file()}, "unknown option -v"});
        bad.add(new Object[] {new Object[] {"inspect", "--frames=yes", sample.file()}, "option --frames takes no value"});
        for (Object[] b : bad) {
            Run r = cli((Object[]) b[0]).expect(64);
            assertTrue(r.err.contains((String) b[1]), () -> "expected '" + b[1] + "' in:\n" + r.err);
            assertTrue(r.err.contains("usage: tokenpath-stream " + ((Object[]) b[0])[0]), r.err);
        }
    }

    @Test
    void helpExitsZero() {
        assertTrue(cli("--help").expect(0).out.contains("  plot FILE --out PNG"));
        assertTrue(cli("stats", "--help").expect(0).out.contains("usage: tokenpath-stream stats FILE"));
    }

    @Test
    void missingAndCorruptFilesAreOneLineWithFileAndOffset() throws IOException {
        Path missing = dir.resolve("nope.stream");
        Run r = cli("inspect", missing).expect(1);
        assertEquals("tokenpath-stream inspect: " + missing + ": no such file or directory", r.err.strip());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "just some text, not a stream at all\n");
        Run t = cli("verify", text).expect(1);
        assertEquals(1, t.err.strip().lines().count(), t.err);
        assertTrue(t.err.startsWith("tokenpath-stream verify: " + text + ": not a tokenpath stream"), t.err);
        assertTrue(t.err.contains("(at byte offset 0)"), t.err);

        Path empty = dir.resolve("empty.stream");
        Files.write(empty, new byte[0]);
        assertTrue(cli("stats", empty).expect(1).err.contains("not a tokenpath stream: empty file"));
    }

    /** A damaged tensor header stops stats with the frame's offset, in one line. */
    @Test
    void damagedFrameStopsStatsWithItsOffset() throws IOException {
        Path bad = StreamSurgery.copy(SampleStreams.uncompressed(dir.resolve("plain-stats.stream")).file(), "bad-stats.stream");
        Span victim = StreamSurgery.frames(bad, FrameKind.TENSOR).get(4);
        StreamSurgery.flipLastByte(bad, victim);
        Run r = cli("stats", bad).expect(1);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.contains("CRC32C mismatch") && r.err.contains("(at byte offset " + victim.offset() + ")"), r.err);
    }

    @Test
    void unwritableOutputIsNamed() throws IOException {
        Path blocker = dir.resolve("a-file");
        Files.writeString(blocker, "x");
        Run r = cli("export", "--out", blocker.resolve("sub"), sample.file()).expect(1);
        assertTrue(r.err.startsWith("tokenpath-stream export: " + blocker), r.err);
        assertFalse(r.err.contains(sample.file().toString()), "the stream is not at fault: " + r.err);

        Run exists = cli("export", "--out", blocker, sample.file()).expect(1);
        assertEquals("tokenpath-stream export: " + blocker + ": already exists (and is not a directory)", exists.err.strip());

        Run plot = cli("plot", "--out", blocker.resolve("x.png"), sample.file()).expect(1);
        assertTrue(plot.err.startsWith("tokenpath-stream plot: cannot write " + blocker.resolve("x.png") + ": "), plot.err);
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
