package io.tokenpath.agent;

import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.DecodedTensor;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The activation tap on the real sample service: the agent captures every DJL block's output while the service
 * streams concurrent greedy requests, and the capture reads back aligned with the tokens. The check that the
 * captured tensors are the model's real outputs: under greedy search, the token of step k is the arg max of the
 * last row of the root block's output (the logits) at step k, for every request and every step.
 */
class ActivationTapIT {
    @Test
    void blockOutputsAreCapturedAlignedWithTokens() throws Exception {
        Path dir = Files.createTempDirectory("tokenpath-tap");
        Path stream = dir.resolve("tap.stream");
        int requests = 6;
        int tokens = 6;
        PrometheusText metrics;
        try (SampleService s = SampleService.start("capture.output=" + stream + ",capture.preset=balanced",
                "--models", "tiny", "--workers", "2", "--queue", "64")) {
            s.load("--model", "tiny", "--num-prompts", String.valueOf(requests), "--max-tokens", String.valueOf(tokens),
                    "--prompt-len", "24", "--concurrency", "3");
            metrics = PrometheusText.parse(s.metrics());
        } // SIGTERM: the agent's shutdown hook closes the capture cleanly
        assertTrue(metrics.sum("tokenpath_capture_frames_total", l -> "tensor".equals(l.get("tokenpath_frame_kind"))) > 0);
        assertEquals(0, metrics.sum("tokenpath_capture_dropped_total"), "no drops with policy block");
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        for (String family : metrics.families()) {
            if (family.startsWith("tokenpath_capture")) assertTrue(doc.contains("| `" + family + "` |"), family + " undocumented");
        }

        Map<Long, List<TokenRecord>> tokensByRequest = new TreeMap<>();
        Map<String, DecodedTensor> logits = new HashMap<>();
        Map<Long, long[]> frameSpan = new HashMap<>();
        List<String> names = new ArrayList<>();
        try (StreamReader r = StreamReader.open(stream)) {
            assertEquals("JNI", r.header().get("lz4_implementation"), "lz4-java must use JNI inside the agent");
            long index = 0;
            for (Frame f : r) {
                index++;
                if (f.kind() == FrameKind.TOKEN) {
                    TokenRecord t = f.token();
                    tokensByRequest.computeIfAbsent(t.requestId(), k -> new ArrayList<>()).add(t);
                } else if (f.kind() == FrameKind.TENSOR) {
                    names.add(f.name());
                    long req = f.tensorHeader().requestId();
                    final long at = index;
                    frameSpan.merge(req, new long[] {at, at}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                    if (f.name().equals("model")) logits.put(req + "/" + f.tensorHeader().step(), f.decode());
                }
            }
            assertTrue(r.end().isClean(), r.end().toString());
        }
        assertEquals(requests, tokensByRequest.size());
        assertTrue(names.stream().anyMatch(n -> n.matches("\\d\\dh0/\\d\\dattn")), "attention block paths: " + names.subList(0, 20));
        assertTrue(names.stream().anyMatch(n -> n.matches("\\d\\dh0/\\d\\dmlp")), "MLP block paths");
        for (Map.Entry<Long, List<TokenRecord>> e : tokensByRequest.entrySet()) {
            List<TokenRecord> ts = e.getValue();
            assertEquals(tokens, ts.size(), "tokens of request " + e.getKey());
            for (int k = 0; k < ts.size(); k++) {
                TokenRecord t = ts.get(k);
                assertEquals(k, t.step(), "token steps in order for request " + e.getKey());
                DecodedTensor l = logits.get(e.getKey() + "/" + k);
                assertNotNull(l, "logits of request " + e.getKey() + " step " + k);
                long[] shape = l.shape();
                int vocab = (int) shape[shape.length - 1];
                float[] v = l.floats();
                int lastRow = v.length - vocab;
                int best = 0;
                for (int i = 1; i < vocab; i++) if (v[lastRow + i] > v[lastRow + best]) best = i;
                assertEquals(best, t.tokenId(), "greedy token = argmax of the captured logits, request " + e.getKey() + " step " + k);
                assertEquals(k == 0 ? 24 : 1, shape[1], "prefill sees the prompt, decode steps one token");
            }
        }
        // Two workers serve requests at once: their frames interleave in the file.
        List<long[]> spans = new ArrayList<>(frameSpan.values());
        boolean overlap = false;
        for (int i = 0; i < spans.size(); i++) {
            for (int j = i + 1; j < spans.size(); j++) {
                if (spans.get(i)[0] < spans.get(j)[1] && spans.get(j)[0] < spans.get(i)[1]) overlap = true;
            }
        }
        assertTrue(overlap, "concurrent requests interleave in the stream");
    }
}
