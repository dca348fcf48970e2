package io.litecomm.contract;

import java.net.URI;

/** The {@link SharedStoreContract} on the in-memory transport: a {@code mem:} name per test. */
class MemSharedStoreContractTest extends SharedStoreContract {

    @Override
    protected URI newDomain() {
        return ContractSupport.uniqueMemDomain("sharedstore");
    }
}
