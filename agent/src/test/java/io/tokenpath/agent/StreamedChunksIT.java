package io.tokenpath.agent;

import org.junit.jupiter.api.Test;

import java.io.File;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Streamed responses through DJL's ChunkedBytesSupplier, the way DJL Serving streams: the request thread names the
 * client, creates the response's supplier and queues the job; a worker takes it, generates with real DJL on the
 * tiny model and appends one chunk per token; the request thread reads the chunks. The agent must time every
 * stream (first chunk, each gap, last chunk) for the right client, and the chunks the worker queues for the
 * reader must not count as waiting requests: only the job nobody took does.
 */
class StreamedChunksIT {
    private static final int STREAMS = 4;
    private static final int NEW_TOKENS = 7;

    private static final String APP = String.join("\n",
            "import ai.djl.inference.streaming.ChunkedBytesSupplier;",
            "import io.tokenpath.api.Tokenpath;",
            "import io.tokenpath.samples.model.*;",
            "import java.util.concurrent.*;",
            "public class StreamApp { public static void main(String[] a) throws Exception {",
            "  io.tokenpath.samples.DjlDefaults.apply();",
            "  int streams = Integer.parseInt(a[1]), tokens = Integer.parseInt(a[2]);",
            "  LanguageModel model = LanguageModel.load(ModelConfig.TINY);",
            "  BlockingQueue<Object[]> jobs = new LinkedBlockingQueue<>();",
            "  Thread worker = new Thread(() -> {",
            "    try (ModelRunner runner = new ModelRunner(model)) {",
            "      for (int i = 0; i <= streams; i++) {",
            "        Object[] job = jobs.take();",
            "        ChunkedBytesSupplier out = (ChunkedBytesSupplier) job[1];",
            "        runner.generate((String) job[0], tokens, SearchMode.GREEDY,",
            "            (id, index) -> out.appendContent(new byte[] {(byte) id}, index == tokens - 1));",
            "      }",
            "    } catch (Exception e) { e.printStackTrace(); System.exit(3); }",
            "  });",
            "  worker.start();",
            "  int chunks = 0;",
            "  for (int i = 0; i < streams; i++) {",
            "    Tokenpath.setClient(\"streamer\");",
            "    ChunkedBytesSupplier response = new ChunkedBytesSupplier();",
            "    jobs.put(new Object[] {\"stream number \" + i, response});",
            "    while (response.hasNext()) { response.nextChunk(60, TimeUnit.SECONDS); chunks++; }",
            "  }",
            "  // One more stream that no one reads: its chunks stay queued in the supplier.",
            "  Tokenpath.setClient(\"streamer\");",
            "  jobs.put(new Object[] {\"stream left unread\", new ChunkedBytesSupplier()});",
            "  worker.join();",
            "  // A job queued from the request thread that no worker takes: the one waiting request.",
            "  Tokenpath.setClient(\"late\");",
            "  new LinkedBlockingQueue<Object>().put(new Object[] {\"never taken\"});",
            "  System.out.println(\"CHUNKS \" + chunks);",
            "  System.out.println(\"METRICS\");",
            "  System.out.print(new String(new java.net.URL(\"http://127.0.0.1:\" + a[0] + \"/metrics\").openStream().readAllBytes()));",
            "}}");

    @Test
    void everyStreamIsTimedForItsClientAndItsChunksAreNotWaitingRequests() throws Exception {
        String out = SampleService.runApp("StreamApp", APP, "helper.mode=off", SampleService.samplesClassPath()
                + File.pathSeparator + PublicApiIT.API_JAR.toAbsolutePath(), String.valueOf(STREAMS), String.valueOf(NEW_TOKENS));
        assertTrue(out.contains("CHUNKS " + STREAMS * NEW_TOKENS), out);
        PrometheusText m = PrometheusText.parse(out.substring(out.indexOf("METRICS") + 8));

        java.util.function.Predicate<java.util.Map<String, String>> streamer = l -> "streamer".equals(l.get("tokenpath_client"));
        int streams = STREAMS + 1; // the unread one is produced all the same
        assertEquals(streams * NEW_TOKENS, m.sum("tokenpath_stream_chunks_total", streamer), "every chunk, on its client");
        assertEquals(streams, m.sum("tokenpath_stream_time_to_first_chunk_seconds_count", streamer));
        assertEquals(streams * (NEW_TOKENS - 1), m.sum("tokenpath_stream_chunk_gap_seconds_count", streamer));
        assertEquals(streams, m.sum("tokenpath_stream_duration_seconds_count", streamer), "each stream ended by its last chunk");
        assertTrue(m.sum("tokenpath_stream_duration_seconds_sum") >= m.sum("tokenpath_stream_time_to_first_chunk_seconds_sum"));
        // The generations behind the streams, attributed through the job queue.
        assertEquals(streams, m.sum("gen_ai_server_time_to_first_token_seconds_count", streamer));
        assertEquals(streams * NEW_TOKENS, m.sum("tokenpath_tokens_total", l -> streamer.test(l) && "output".equals(l.get("gen_ai_token_type"))));
        // Chunks go through the supplier's own blocking queue from the worker, and the unread stream's 7 are still
        // there: results on their way to a reader, not waiting requests.
        assertEquals(1, m.sum("tokenpath_requests_waiting"), "only the job nobody took is waiting");
        assertEquals(0, m.sum("tokenpath_agent_instrumentation_errors_total"), out);
    }
}
