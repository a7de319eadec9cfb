package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.StreamFormatException;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A full check of a stream: every frame is read and decoded (tensor payloads through decompression, CRC32C and the
 * inverse transform; token and JSON frames parsed), and every failure is collected with its offset instead of
 * stopping at the first, so one damaged frame does not hide the state of the rest.
 *
 * <p>Problems make the stream fail verification: a frame that does not decode, a second header frame, a missing
 * {@code __end} frame on an otherwise complete file, broken framing. Warnings do not: frames with reserved names this
 * reader does not know (a later format revision) and recorded drops (loss the writer counted, not damage).
 * A torn tail is neither; it is the {@link #end()} status.
 */
public final class Verification {
    private final StreamCensus census;
    private final long tensorsDecoded;
    private final long tokensDecoded;
    private final List<Problem> problems;
    private final List<Problem> warnings;
    private final StreamEnd end;
    private final long fileSize;

    private Verification(StreamCensus census, long tensorsDecoded, long tokensDecoded, List<Problem> problems,
            List<Problem> warnings, StreamEnd end, long fileSize) {
        this.census = census;
        this.tensorsDecoded = tensorsDecoded;
        this.tokensDecoded = tokensDecoded;
        this.problems = Collections.unmodifiableList(problems);
        this.warnings = Collections.unmodifiableList(warnings);
        this.end = end;
        this.fileSize = fileSize;
    }

    /**
     * Walks and decodes the whole stream. Only an I/O failure of the file itself is thrown; everything wrong with
     * the content is in the result.
     */
    public static Verification run(StreamReader reader) {
        StreamCensus census = new StreamCensus();
        List<Problem> problems = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        long tensors = 0;
        long tokens = 0;
        for (Frame f : reader) {
            try {
                census.accept(f);
                switch (f.kind()) {
                    case TENSOR:
                        // floats() runs the inverse transform too: a lossy payload can pass its CRC and still be
                        // undecodable (an int8 block scale that is not finite, say).
                        f.decode().floats();
                        tensors++;
                        break;
                    case TOKEN:
                        f.token();
                        tokens++;
                        break;
                    case REQUEST:
                        f.json();
                        break;
                    case HEADER:
                        if (f.offset() != 0) {
                            problems.add(Problem.of(f, "a second stream header frame: two streams were concatenated"
                                    + " or the writer restarted without resume"));
                        }
                        break;
                    case UNKNOWN_RESERVED:
                        warnings.add(Problem.of(f, "reserved frame name unknown to this reader (a later format"
                                + " revision?); skipped"));
                        break;
                    default:
                        break; // drops, resume, end: parsed by the census
                }
            } catch (StreamFormatException e) {
                problems.add(Problem.of(f, e));
            } catch (IOException e) {
                // A read error on one frame's data (an unreadable sector, say) is a fact about this frame; the
                // framing of later frames may still be fine, so keep going.
                problems.add(Problem.of(f, "read failed: " + e.getMessage()));
            }
        }
        StreamEnd end = reader.end();
        if (end.status() == StreamEnd.Status.CORRUPT) {
            problems.add(new Problem(end.offset(), null, "corrupt framing: " + end.message()
                    + "; nothing after this offset can be located"));
        } else if (end.isClean() && !census.closedCleanly()) {
            problems.add(new Problem(end.offset(), null, "no __end frame at the end of the stream: the writer did not"
                    + " close the capture (killed, or still writing); the frames present are complete"));
        }
        if (census.totalDrops() > 0) {
            warnings.add(new Problem(-1, null, "the writer recorded " + census.totalDrops() + " dropped frame(s): "
                    + census.drops()));
        }
        return new Verification(census, tensors, tokens, problems, warnings, end, reader.fileSize());
    }

    public StreamCensus census() { return census; }

    public long tensorsDecoded() { return tensorsDecoded; }

    public long tokensDecoded() { return tokensDecoded; }

    /** Everything that makes the stream fail verification, in file order. */
    public List<Problem> problems() { return problems; }

    /** Things worth knowing that are not damage. */
    public List<Problem> warnings() { return warnings; }

    public StreamEnd end() { return end; }

    public long fileSize() { return fileSize; }

    /** True when the framing ends cleanly, the capture was closed, and every frame decoded. */
    public boolean passed() {
        return end.isClean() && problems.isEmpty();
    }

    /** True when the only damage is a torn tail: every complete frame decoded. */
    public boolean tornTailOnly() {
        return end.status() == StreamEnd.Status.TORN && problems.isEmpty();
    }
}
