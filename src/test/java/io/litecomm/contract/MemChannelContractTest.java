package io.litecomm.contract;

import java.net.URI;

/** The {@link ChannelContract} on the in-memory transport: a {@code mem:} name per test. */
class MemChannelContractTest extends ChannelContract {

    @Override
    protected URI newDomain() {
        return ContractSupport.uniqueMemDomain("channel");
    }
}
