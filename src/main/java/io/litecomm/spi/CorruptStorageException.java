package io.litecomm.spi;

/**
 * A transport found its storage damaged or foreign: a channel's queue, the shared store, its
 * pub/sub stream. The public API turns this into {@code io.litecomm.CorruptFileException} when the
 * resource is a file, and into a {@code CommException} naming the resource otherwise.
 */
public class CorruptStorageException extends TransportException {

    private static final long serialVersionUID = 1L;

    private final String resource;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param resource the damaged file, key or other resource
     * @param problem what is wrong, in the {@code rule: name=value} shape
     */
    public CorruptStorageException(String resource, String problem) {
        super(message(resource, problem));
        this.resource = resource;
        this.problem = problem;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param resource the damaged file, key or other resource
     * @param problem what is wrong
     * @param cause the underlying error
     */
    public CorruptStorageException(String resource, String problem, Throwable cause) {
        super(message(resource, problem), cause);
        this.resource = resource;
        this.problem = problem;
    }

    private static String message(String resource, String problem) {
        return problem + (resource != null && resource.startsWith("/") ? " file=" : " resource=") + resource;
    }

    /**
     * The damaged resource.
     *
     * @return a file path for the mapped transport, a key or address for others
     */
    public String resource() {
        return resource;
    }

    /**
     * The damaged resource; the same as {@link #resource()}.
     *
     * @return its location
     */
    public String location() {
        return resource;
    }

    /**
     * What is wrong.
     *
     * @return the problem, without the resource
     */
    public String problem() {
        return problem;
    }
}
