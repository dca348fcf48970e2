package io.litecomm;

import java.nio.file.Path;

/**
 * A litecomm file is damaged or foreign: bad magic, unknown version, truncated, impossible
 * counters or records. The message names the file and what is wrong.
 */
public class CorruptFileException extends CorruptDataException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the damaged file
     * @param problem what is wrong
     * @param cause the underlying error, or {@code null}
     */
    public CorruptFileException(Path file, String problem, Throwable cause) {
        super("corrupt file: " + problem + " file=" + file, String.valueOf(file), problem, cause);
        this.file = file;
    }

    /**
     * The damaged file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }
}
