package io.tokenpath.capture.cli;

/** Exit statuses of tokenpath-stream (64 and 70 follow BSD sysexits: EX_USAGE, EX_SOFTWARE). */
final class ExitCode {
    private ExitCode() {}

    static final int OK = 0;
    /** The file is missing, unreadable or damaged, or verification found problems, or nothing matched. */
    static final int FAILED = 1;
    /** verify: every complete frame is fine, but the file ends in a torn (incomplete) frame. */
    static final int TORN = 2;
    static final int USAGE = 64;
    /** A bug in tokenpath-stream itself (the only case that prints a stack trace). */
    static final int INTERNAL = 70;
}
