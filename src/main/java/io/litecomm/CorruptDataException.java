package io.litecomm;

/**
 * A domain's stored data is damaged or foreign: a channel, the shared memory, its pub/sub stream.
 * The message names the resource (a file, a key on a server) and what is wrong. Where the
 * resource is a file, the exception is the subclass {@link CorruptFileException}.
 */
public class CorruptDataException extends CommException {

    private static final long serialVersionUID = 1L;

    private final String resource;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param message the whole message
     * @param resource the damaged resource
     * @param problem what is wrong
     * @param cause the underlying error, or {@code null}
     */
    protected CorruptDataException(String message, String resource, String problem, Throwable cause) {
        super(message, cause);
        this.resource = resource;
        this.problem = problem;
    }

    /**
     * Creates the exception for a resource that is not a file.
     *
     * @param resource the damaged resource (for example a key on a server)
     * @param problem what is wrong
     * @param cause the underlying error, or {@code null}
     */
    public CorruptDataException(String resource, String problem, Throwable cause) {
        this("corrupt data: " + problem + " resource=" + resource, resource, problem, cause);
    }

    /**
     * The damaged resource.
     *
     * @return a file path, a key, an address
     */
    public String resource() {
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
