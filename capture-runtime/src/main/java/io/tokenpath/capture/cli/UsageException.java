package io.tokenpath.capture.cli;

/** The command line is wrong (unknown command or option, missing value, bad number): exit 64 with the usage. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
