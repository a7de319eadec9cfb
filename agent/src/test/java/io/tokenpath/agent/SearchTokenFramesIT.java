package io.tokenpath.agent;

import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Token frames of the searches whose steps do not return plain ids, against the tokens the sample app printed.
 * Contrastive search: each step's frame carries the id DJL chose. Beam search: no step knows the final token (beams
 * are re-ranked until the end), so every step, the first included, has a frame with id -1, and the request's end
 * event carries the rows DJL returned, one of which (the first, which the sample answers with) is the app's text.
 */
class SearchTokenFramesIT {
    private static final int TOKENS = 5;

    @Test
    void contrastiveFramesCarryTheGeneratedIds() throws Exception {
        Run r = generate("contrastive");
        assertEquals(TOKENS, r.tokens.size(), r.tokens.toString());
        for (int k = 0; k < TOKENS; k++) {
            assertEquals(k, r.tokens.get(k).step());
            assertEquals(r.printed[k], r.tokens.get(k).tokenId(), "step " + k + ": " + r.tokens);
        }
    }

    @Test
    void beamFramesMarkEveryStepAndTheEndCarriesTheReturnedRows() throws Exception {
        Run r = generate("beam");
        assertEquals(TOKENS, r.tokens.size(), "one frame per step, the first (from the prefill call) included: " + r.tokens);
        for (int k = 0; k < TOKENS; k++) {
            assertEquals(k, r.tokens.get(k).step());
            assertEquals(-1, r.tokens.get(k).tokenId(), "no final id exists at a beam step");
        }
        Object id = r.events.stream().filter(e -> "start".equals(e.get("event")) && "beam".equals(e.get("search")))
                .findFirst().orElseThrow(() -> new AssertionError(r.events.toString())).get("request_id");
        Map<String, Object> end = r.events.stream().filter(e -> "end".equals(e.get("event")) && id.equals(e.get("request_id")))
                .findFirst().orElseThrow(() -> new AssertionError(r.events.toString()));
        List<?> rows = (List<?>) end.get("output_token_ids");
        assertNotNull(rows, end.toString());
        assertEquals(3, rows.size(), "one row per beam (the sample runs 3): " + end);
        long[] first = ((List<?>) rows.get(0)).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
        assertArrayEquals(r.printed, first, "the app answers with the first row");
    }

    private record Run(long[] printed, List<TokenRecord> tokens, List<Map<String, Object>> events) {}

    private static Run generate(String search) throws Exception {
        Path stream = Files.createTempDirectory("tp-search").resolve(search + ".stream");
        List<String> cmd = new ArrayList<>(List.of(SampleService.javaBin(), "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath()
                + "=metrics.port=0,capture.output=" + stream + ",capture.preset=balanced,capture.steps=prefill"));
        cmd.addAll(SampleService.DJL_FLAGS);
        cmd.addAll(List.of("-jar", SampleService.SAMPLES_JAR.toString(), "generate", "--model", "tiny", "--search", search,
                "--prompt", "which token is it", "--max-tokens", String.valueOf(TOKENS), "--warmup", "0", "--runs", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("tokens: [")).findFirst().orElseThrow(() -> new AssertionError(out));
        long[] printed = Arrays.stream(line.substring(9, line.length() - 1).split(", ")).mapToLong(Long::parseLong).toArray();
        List<TokenRecord> tokens = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) {
                if (f.kind() == FrameKind.TOKEN) tokens.add(f.token());
                if (f.kind() == FrameKind.REQUEST) events.add(f.json());
            }
        }
        return new Run(printed, tokens, events);
    }
}
