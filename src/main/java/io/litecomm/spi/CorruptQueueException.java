package io.litecomm.spi;

/**
 * A transport found its storage damaged or foreign. The public API turns this into
 * {@code io.litecomm.CorruptFileException}.
 */
public class CorruptQueueException extends TransportException {

    private static final long serialVersionUID = 1L;

    private final String location;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param location the damaged file or resource
     * @param problem what is wrong, in the {@code rule: name=value} shape
     */
    public CorruptQueueException(String location, String problem) {
        super(problem + " file=" + location);
        this.location = location;
        this.problem = problem;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param location the damaged file or resource
     * @param problem what is wrong
     * @param cause the underlying error
     */
    public CorruptQueueException(String location, String problem, Throwable cause) {
        super(problem + " file=" + location, cause);
        this.location = location;
        this.problem = problem;
    }

    /**
     * The damaged file or resource.
     *
     * @return its location
     */
    public String location() {
        return location;
    }

    /**
     * What is wrong.
     *
     * @return the problem, without the location
     */
    public String problem() {
        return problem;
    }
}
