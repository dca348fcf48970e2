package io.litecomm.contract;

import io.litecomm.spi.Transport;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh domain per test, opened through the SPI as often as a test needs: each transport opened
 * stands for another process of the domain. Every transport opened is closed after the test.
 */
abstract class SpiContractBase {

    private final List<Transport> opened = new ArrayList<>();
    private URI domain;

    /**
     * A domain no other test uses.
     *
     * @return its URI
     */
    protected abstract URI newDomain();

    /** Settings every transport of the test is opened with. */
    protected Map<String, String> settings() {
        return Map.of();
    }

    @BeforeEach
    final void createDomain() {
        domain = newDomain();
    }

    @AfterEach
    final void closeTransports() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        afterClosed(domain);
    }

    /** Runs after every transport of the test was closed: a transport's own checks and clean-up. */
    protected void afterClosed(URI closedDomain) {
    }

    /** The test's domain. */
    final URI domain() {
        return domain;
    }

    /** Opens the test's domain once more: another process. */
    final Transport open() {
        Transport transport = ContractSupport.openTransport(domain, settings());
        opened.add(transport);
        return transport;
    }
}
