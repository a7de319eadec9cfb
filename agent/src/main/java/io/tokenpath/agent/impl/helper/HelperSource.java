package io.tokenpath.agent.impl.helper;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;

/** Where the helper's protocol comes from: the daemon's socket, or a helper the agent starts itself. */
interface HelperSource {
    /** One open stream of protocol lines. */
    interface Connection extends Closeable {
        BufferedReader lines();
    }

    Connection open() throws IOException;

    String describe();
}
