package io.tokenpath.agent.impl.helper;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;

/** Where the helper's protocol comes from: the daemon's socket, or a helper the agent starts itself. */
interface HelperSource {
    /** One open stream of protocol lines, and what closes it (the socket, or the spawned helper). */
    record Connection(BufferedReader lines, Closeable closer) implements Closeable {
        @Override
        public void close() throws IOException {
            closer.close();
        }
    }

    Connection open() throws IOException;

    String describe();
}
