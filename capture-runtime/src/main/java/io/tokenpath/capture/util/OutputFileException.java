package io.tokenpath.capture.util;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output file (an export, a plot) could not be written. Its own type so that a tool reporting it names the
 * output, not the stream being read: "cannot write out/x.npy: No space left on device".
 */
public class OutputFileException extends IOException {
    private final Path file;

    public OutputFileException(Path file, IOException cause) {
        super("cannot write " + file + ": " + FileErrors.describe(cause), cause);
        this.file = file;
    }

    public Path file() { return file; }
}
