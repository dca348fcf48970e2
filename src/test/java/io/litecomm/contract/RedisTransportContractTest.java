package io.litecomm.contract;

import io.litecomm.testing.RedisTestServer;
import java.net.URI;

/** The {@link TransportContract} on the Redis transport: a domain per test on the test server; no key outside it left. */
class RedisTransportContractTest extends TransportContract {

    @Override
    protected URI newDomain() {
        return RedisTestServer.get().uniqueDomain("transport");
    }

    @Override
    protected void afterClosed(URI closedDomain) {
        RedisContractSupport.checkAndDrop(closedDomain);
    }
}
