package io.litecomm.cli;

/** The command line is wrong: the tool prints the message and exits with status 2. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
