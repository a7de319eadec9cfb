package io.tokenpath.agent.impl.helper;

/** The helper speaks a protocol version this agent does not read: the connection is closed, not misread. */
final class IncompatibleHelperException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IncompatibleHelperException(String message) {
        super(message);
    }
}
