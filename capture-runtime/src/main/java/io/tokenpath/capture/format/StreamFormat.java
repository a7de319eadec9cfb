package io.tokenpath.capture.format;

import java.nio.charset.StandardCharsets;

/**
 * Constants of activation stream format v1 (docs/stream-format.md is the normative description).
 *
 * <p>Outer framing is STRAP-LLM's, byte for byte: big-endian {@code uint16 name_len}, {@code uint32 data_len}, the
 * UTF-8 name, then the data. Everything tokenpath adds lives inside a frame's data, so a tool that only splits
 * frames keeps working.
 */
public final class StreamFormat {
    private StreamFormat() {}

    public static final int VERSION = 1;

    /** Bytes of the outer frame header ({@code !HI}). */
    public static final int FRAME_HEADER_BYTES = 6;

    /** Largest data length the outer framing can express. */
    public static final long MAX_DATA_LEN = 0xFFFF_FFFFL;

    /** Names starting with this prefix are reserved for the format; block names never start with it. */
    public static final String RESERVED_PREFIX = "__";

    /** First frame of every stream: magic, version, then JSON metadata. */
    public static final String HEADER_FRAME = "__tokenpath";
    /** One generated token: request id, step, timestamp, token id, text. */
    public static final String TOKEN_FRAME = "__token";
    /** JSON: cumulative drop counts by reason, written whenever they change (so the file itself shows loss). */
    public static final String DROPS_FRAME = "__drops";
    /** JSON: a capture was resumed here after a crash (offset truncated to, bytes cut). */
    public static final String RESUME_FRAME = "__resume";
    /** JSON: request metadata (start/end, model, client); written by the agent. */
    public static final String REQUEST_FRAME = "__request";
    /** JSON: totals written on a clean close; its absence means the writer did not close cleanly. */
    public static final String END_FRAME = "__end";

    /** Magic at the start of the header frame's data. */
    public static final byte[] MAGIC = "TPSTREAM".getBytes(StandardCharsets.US_ASCII);

    /** Magic (8) + version (u16) + flags (u16); JSON follows. */
    public static final int HEADER_FIXED_BYTES = 12;

    /** Fixed part of a tensor header; the shape (8 bytes per dim) and the optional sample section follow. */
    public static final int TENSOR_FIXED_BYTES = 48;

    /** Fixed part of a token frame's data; the UTF-8 text follows. */
    public static final int TOKEN_FIXED_BYTES = 28;

    /** Bound on dimensions: keeps a corrupt ndim from sizing anything. */
    public static final int MAX_NDIM = 16;

    public static boolean isReserved(String name) {
        return name.startsWith(RESERVED_PREFIX);
    }
}
