package io.litecomm.contract;

import java.net.URI;

/** The {@link TransportContract} on the in-memory transport: a {@code mem:} name per test. */
class MemTransportContractTest extends TransportContract {

    @Override
    protected URI newDomain() {
        return ContractSupport.uniqueMemDomain("transport");
    }
}
