package io.tokenpath.samples.server;

/** What an inference worker tells the HTTP thread waiting on a {@link GenerationJob}, in order. */
public sealed interface JobEvent {

    /** A worker took the job out of the queue. */
    record Started(long nanos) implements JobEvent {}

    /** One generated token ({@code index} 0 first). */
    record Token(long tokenId, int index, long nanos) implements JobEvent {}

    /** All tokens are generated; terminal. */
    record Finished(long[] tokens, long nanos) implements JobEvent {}

    /** Generation failed; terminal. */
    record Failed(Throwable error) implements JobEvent {}

    /** The job was abandoned because its client went away; terminal. */
    record Cancelled(String reason) implements JobEvent {}
}
