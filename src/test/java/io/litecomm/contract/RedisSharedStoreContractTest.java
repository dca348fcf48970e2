package io.litecomm.contract;

import io.litecomm.testing.RedisTestServer;
import java.net.URI;

/** The {@link SharedStoreContract} on the Redis transport: a domain per test on the test server; no key outside it left. */
class RedisSharedStoreContractTest extends SharedStoreContract {

    @Override
    protected URI newDomain() {
        return RedisTestServer.get().uniqueDomain("sharedstore");
    }

    @Override
    protected void afterClosed(URI closedDomain) {
        RedisContractSupport.checkAndDrop(closedDomain);
    }
}
