package io.tokenpath.agent.impl.helper;

import java.io.IOException;

/** There is no helper to talk to (yet): not an error in auto mode, where the agent looks again later. */
final class NoHelperException extends IOException {
    private static final long serialVersionUID = 1L;

    NoHelperException(String message) {
        super(message);
    }
}
