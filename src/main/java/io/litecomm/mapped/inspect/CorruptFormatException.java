package io.litecomm.mapped.inspect;

import io.litecomm.spi.CorruptStorageException;

/**
 * A file breaks its format, as one of this package's readers found it: the file and the problem
 * ({@code rule: name=value}). A {@link CorruptStorageException}, so the transport reports it like
 * any damage; inspection tools catch this type.
 */
public final class CorruptFormatException extends CorruptStorageException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the damaged file
     * @param problem what is wrong
     */
    public CorruptFormatException(String file, String problem) {
        super(file, problem);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the damaged file
     * @param problem what is wrong
     * @param cause the underlying error
     */
    public CorruptFormatException(String file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
