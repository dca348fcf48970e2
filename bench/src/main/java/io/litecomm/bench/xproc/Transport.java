package io.litecomm.bench.xproc;

/** Opens one process's {@link Endpoint} of a transport. */
@FunctionalInterface
interface Transport {

    /**
     * Opens the endpoint of {@code role}. The side that starts first (ponger, consumer) creates
     * what the other side needs and calls {@link Control#ready(String)} once the other side may
     * connect; if it does not, the caller announces readiness after this returns.
     *
     * @param p the child's parameters
     * @param role the role
     * @return the endpoint
     * @throws Exception on a transport failure
     */
    Endpoint open(Params p, Params.Role role) throws Exception;
}
