package io.tokenpath.agent;

import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;
import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.TokenizerJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Token frames carry text when the capture is given the model's tokenizer.json ({@code capture.tokenizer}): two
 * requests, interleaved token by token on two threads, stream known text whose characters take one to four
 * bytes (byte tokens, as the sample model's tokenizer has them); per request, the token texts read back concatenate
 * to that text exactly, and a character split over several tokens comes with its last byte.
 */
class TokenTextIT {
    private static final String FIRST = "héllo, wörld ✓ 日本 🙂!";
    private static final String SECOND = "a second request, ünïcode too";

    private static final String APP = String.join("\n",
            "import io.tokenpath.api.Tokenpath;",
            "public class TextApp { public static void main(String[] a) throws Exception {",
            "  System.out.println(\"badtokenizer=\" + Tokenpath.startCapture(a[1] + \".bad\", \"tokenizer=/nonexistent/tokenizer.json\"));",
            "  System.out.println(\"capture=\" + Tokenpath.startCapture(a[1], \"preset=fast_capture,tokenizer=\" + a[2]));",
            "  long[][] ids = {parse(a[3]), parse(a[4])};",
            "  java.util.concurrent.CyclicBarrier step = new java.util.concurrent.CyclicBarrier(2);",
            "  Thread[] threads = new Thread[2];",
            "  for (int r = 0; r < 2; r++) {",
            "    long[] mine = ids[r]; String client = \"client-\" + r;",
            "    threads[r] = new Thread(() -> {",
            "      try {",
            "        Tokenpath.setClient(client); Tokenpath.requestStart(\"text-model\");",
            "        for (int i = 0; i < Math.max(ids[0].length, ids[1].length); i++) {",
            "          if (i < mine.length) Tokenpath.token(mine[i]);",
            "          step.await();",
            "        }",
            "        Tokenpath.requestEnd(null);",
            "      } catch (Exception e) { throw new RuntimeException(e); }",
            "    });",
            "    threads[r].start();",
            "  }",
            "  for (Thread t : threads) t.join();",
            "  System.out.println(\"stopped=\" + Tokenpath.stopCapture());",
            "}",
            "static long[] parse(String s) { return java.util.Arrays.stream(s.split(\",\")).mapToLong(Long::parseLong).toArray(); }",
            "}");

    @Test
    void tokenTextsConcatenateToTheTextOfEachRequest() throws Exception {
        Path dir = Files.createTempDirectory("tp-text");
        Path tokenizer = dir.resolve("tokenizer.json");
        TokenizerJson.write(tokenizer);
        Path stream = dir.resolve("text.stream");
        String out = SampleService.runApp("TextApp", APP, "helper.mode=off", PublicApiIT.API_JAR.toAbsolutePath().toString(),
                stream.toString(), tokenizer.toString(), ids(FIRST), ids(SECOND));
        assertTrue(out.contains("capture=true") && out.contains("stopped=true"), out);
        assertTrue(out.contains("badtokenizer=false"), out);
        assertTrue(out.contains("Tokenpath.startCapture: tokenizer: cannot read '/nonexistent/tokenizer.json'"),
                "a tokenizer that cannot be read is named, and that capture does not start:\n" + out);
        assertFalse(Files.exists(Path.of(stream + ".bad")));
        assertTrue(out.contains("token text from ByteLevel, 256 ids"), "the start line says where text comes from:\n" + out);

        Map<Long, List<TokenRecord>> byRequest = new LinkedHashMap<>();
        try (StreamReader r = StreamReader.open(stream)) {
            for (Frame f : r) if (f.kind() == FrameKind.TOKEN) byRequest.computeIfAbsent(f.token().requestId(), k -> new ArrayList<>()).add(f.token());
            assertTrue(r.end().isClean());
        }
        assertEquals(2, byRequest.size(), byRequest.keySet().toString());
        List<String> texts = new ArrayList<>();
        for (List<TokenRecord> tokens : byRequest.values()) {
            StringBuilder text = new StringBuilder();
            for (TokenRecord t : tokens) text.append(t.text());
            texts.add(text.toString());
        }
        assertTrue(texts.containsAll(List.of(FIRST, SECOND)), "per request, the texts concatenate to what was streamed: " + texts);

        // 'é' is two byte tokens: the first has no text of its own, the second carries the character.
        List<TokenRecord> first = byRequest.values().stream()
                .filter(l -> l.stream().map(TokenRecord::text).reduce("", String::concat).equals(FIRST))
                .findFirst().orElseThrow();
        assertEquals(FIRST.getBytes(StandardCharsets.UTF_8).length, first.size(), "one frame per byte token");
        assertEquals("h", first.get(0).text());
        assertEquals("", first.get(1).text());
        assertEquals("é", first.get(2).text());
        assertEquals("🙂", first.get(first.size() - 2).text(), "four bytes, one character (a surrogate pair in Java)");
    }

    private static String ids(String text) {
        StringBuilder b = new StringBuilder();
        for (long id : ByteTokenizer.encode(text)) b.append(b.length() == 0 ? "" : ",").append(id);
        return b.toString();
    }

}
