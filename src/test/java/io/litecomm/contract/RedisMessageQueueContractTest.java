package io.litecomm.contract;

import io.litecomm.testing.RedisTestServer;
import java.net.URI;

/** The {@link MessageQueueContract} on the Redis transport: a domain per test on the test server; no key outside it left. */
class RedisMessageQueueContractTest extends MessageQueueContract {

    @Override
    protected URI newDomain() {
        return RedisTestServer.get().uniqueDomain("messagequeue");
    }

    @Override
    protected void afterClosed(URI closedDomain) {
        RedisContractSupport.checkAndDrop(closedDomain);
    }
}
