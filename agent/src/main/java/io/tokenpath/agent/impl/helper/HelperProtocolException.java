package io.tokenpath.agent.impl.helper;

/** A protocol line the agent cannot read: the message says what was wrong with it. */
final class HelperProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelperProtocolException(String message) {
        super(message);
    }
}
