package io.litecomm.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.util.List;

/** After a Redis contract test: no key outside a litecomm domain's prefix, then the test's domain dropped. */
final class RedisContractSupport {

    private RedisContractSupport() {
    }

    static void checkAndDrop(URI uri) {
        if (uri == null) {
            return;
        }
        RedisTestServer server = RedisTestServer.get();
        assertEquals(List.of(), server.strayKeys(), "keys outside every litecomm domain's prefix");
        server.dropDomain(RedisTestServer.domainOf(uri));
    }
}
