package io.litecomm.cli;

/** A command could not do its job (not found, timed out, corrupt): the tool prints the message and exits with status 1. */
final class Failure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Failure(String message) {
        super(message);
    }

    Failure(String message, Throwable cause) {
        super(message, cause);
    }
}
