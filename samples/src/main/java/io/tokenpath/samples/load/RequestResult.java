package io.tokenpath.samples.load;

/**
 * What the client saw of one streaming request. Times are nanoseconds; {@code startNanos} is relative to the
 * benchmark start.
 *
 * @param index request number
 * @param client client id sent, or null
 * @param success HTTP 200, a {@code [DONE]} and a usage chunk, no error event
 * @param status HTTP status (0 when no response arrived)
 * @param error why it failed, or null
 * @param startNanos when the request was sent
 * @param ttftNanos request sent to first content chunk (-1 if none)
 * @param itlNanos every gap between consecutive content chunks
 * @param e2eNanos request sent to end of stream
 * @param contentChunks chunks that carried a token (a choice with text/delta content)
 * @param promptTokens {@code usage.prompt_tokens} from the server (-1 if absent)
 * @param completionTokens {@code usage.completion_tokens} from the server (-1 if absent)
 */
public record RequestResult(int index, String client, boolean success, int status, String error, long startNanos,
        long ttftNanos, long[] itlNanos, long e2eNanos, int contentChunks, int promptTokens, int completionTokens) {

    static RequestResult failed(int index, String client, int status, String error, long startNanos, long e2e) {
        return new RequestResult(index, client, false, status, error, startNanos, -1, new long[0], e2e, 0, -1, -1);
    }

    /** (e2e - TTFT) / (tokens - 1), as vLLM defines TPOT; NaN when fewer than two tokens. */
    public double tpotNanos() {
        return completionTokens > 1 ? (e2eNanos - ttftNanos) / (double) (completionTokens - 1) : Double.NaN;
    }
}
