package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Works out where a resumed capture continues: the checkpoint's durable offset if there is one, else the end of
 * the valid prefix. The offset must be a frame boundary inside the valid prefix; anything else means the file is
 * not the one the checkpoint describes, and resuming would bury data, so it is an error that says so.
 */
record Resume(long offset, long fileSize, long frames, long tokens, boolean fromCheckpoint, StreamEnd end) {

    static Resume prepare(Path output) throws IOException {
        Checkpoint ckpt = Checkpoint.read(Checkpoint.pathFor(output));
        try (StreamReader r = StreamReader.open(output)) {
            long target = -1;
            long frames = 0;
            long tokens = 0;
            long lastBoundary = 0;
            boolean boundary = ckpt != null && ckpt.durableOffset() == 0;
            for (Frame f : r) {
                if (ckpt != null && f.endOffset() > ckpt.durableOffset()) break;
                frames++;
                if (f.kind() == FrameKind.TOKEN) tokens++;
                lastBoundary = f.endOffset();
                if (ckpt != null && f.endOffset() == ckpt.durableOffset()) boundary = true;
            }
            if (ckpt == null) {
                target = r.end().offset();
                return new Resume(target, r.fileSize(), frames, tokens, false, r.end());
            }
            if (!boundary) {
                throw new IOException("cannot resume " + output + ": checkpoint durable offset " + ckpt.durableOffset()
                        + " is not a frame boundary of this file (valid frames end at " + lastBoundary + ", file has "
                        + r.fileSize() + " bytes); the file does not match its checkpoint");
            }
            return new Resume(ckpt.durableOffset(), r.fileSize(), frames, tokens, true, null);
        }
    }

    long truncatedBytes() {
        return fileSize - offset;
    }
}
