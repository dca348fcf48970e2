package io.litecomm.contract;

import java.net.URI;

/** The {@link SharedMemoryContract} on the in-memory transport: a {@code mem:} name per test. */
class MemSharedMemoryContractTest extends SharedMemoryContract {

    @Override
    protected URI newDomain() {
        return ContractSupport.uniqueMemDomain("sharedmemory");
    }
}
