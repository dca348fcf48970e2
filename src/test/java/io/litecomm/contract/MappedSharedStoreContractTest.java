package io.litecomm.contract;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link SharedStoreContract} on the mapped-file transport: a domain directory per test. */
class MappedSharedStoreContractTest extends SharedStoreContract {

    @TempDir
    Path dir;

    @Override
    protected URI newDomain() {
        return dir.resolve("domain").toUri();
    }
}
