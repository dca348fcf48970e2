package io.litecomm.contract;

import io.litecomm.testing.RedisTestServer;
import java.net.URI;

/** The {@link SharedMemoryContract} on the Redis transport: a domain per test on the test server; no key outside it left. */
class RedisSharedMemoryContractTest extends SharedMemoryContract {

    @Override
    protected URI newDomain() {
        return RedisTestServer.get().uniqueDomain("sharedmemory");
    }

    @Override
    protected void afterClosed(URI closedDomain) {
        RedisContractSupport.checkAndDrop(closedDomain);
    }
}
