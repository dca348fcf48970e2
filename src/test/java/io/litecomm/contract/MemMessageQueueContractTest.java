package io.litecomm.contract;

import java.net.URI;

/** The {@link MessageQueueContract} on the in-memory transport: a {@code mem:} name per test. */
class MemMessageQueueContractTest extends MessageQueueContract {

    @Override
    protected URI newDomain() {
        return ContractSupport.uniqueMemDomain("messagequeue");
    }
}
