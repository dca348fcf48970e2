package io.litecomm.contract;

import io.litecomm.testing.RedisTestServer;
import java.net.URI;

/** The {@link ChannelContract} on the Redis transport: a domain per test on the test server; no key outside it left. */
class RedisChannelContractTest extends ChannelContract {

    @Override
    protected URI newDomain() {
        return RedisTestServer.get().uniqueDomain("channel");
    }

    @Override
    protected void afterClosed(URI closedDomain) {
        RedisContractSupport.checkAndDrop(closedDomain);
    }
}
