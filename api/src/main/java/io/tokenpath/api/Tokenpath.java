package io.tokenpath.api;

/**
 * Manual hooks into tokenpath, for what the agent cannot see by itself: a custom generation loop, a client
 * identity that arrives another way than an HTTP header, an activation capture started and stopped at run time.
 *
 * <p>Without the agent every method does nothing and returns its "not attached" value; the application needs no
 * other dependency and no check. With the agent attached, the agent weaves these methods (their bodies stay
 * empty here) to reach its hooks. Thread-confined like a request: {@link #requestStart}, {@link #token} and
 * {@link #requestEnd} of one request are called on one thread.
 */
public final class Tokenpath {
    private Tokenpath() {}

    /** True when the tokenpath agent is attached to this JVM. */
    public static boolean isAgentAttached() {
        return false;
    }

    /**
     * Attributes the requests this thread serves next (and the jobs it queues) to {@code client}, as the client
     * header would. The agent bounds the label (top-N, then {@code other}).
     */
    public static void setClient(String client) {
        // woven by the agent
    }

    /** A generation request starts on this thread ({@code model} labels its metrics). */
    public static void requestStart(String model) {
        // woven by the agent
    }

    /** The request on this thread produced a token. */
    public static void token(long tokenId) {
        // woven by the agent
    }

    /** The request on this thread ended ({@code error} null on success). */
    public static void requestEnd(Throwable error) {
        // woven by the agent
    }

    /**
     * Starts an activation capture into {@code output} with {@code options} in the agent's {@code capture.*} key
     * space without the prefix ({@code "preset=balanced,steps=first:8,duration_seconds=60"}); a running capture is
     * closed first.
     *
     * @return true if the agent started it; false without the agent or when the options are invalid (the agent
     *     logs why in one line)
     */
    public static boolean startCapture(String output, String options) {
        return false;
    }

    /** Closes the running capture (drains, ends the stream, writes its token sidecar); false if none ran. */
    public static boolean stopCapture() {
        return false;
    }
}
