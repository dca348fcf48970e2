package io.litecomm.contract;

import io.litecomm.Comm;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh domain per test, opened through the public API ({@code Comm.open(URI)}) as often as a
 * test needs: each {@code Comm} stands for another process. Every {@code Comm} opened is closed
 * after the test.
 */
abstract class ApiContractBase {

    private final List<Comm> opened = new ArrayList<>();
    private URI domain;

    /**
     * A domain no other test uses.
     *
     * @return its URI
     */
    protected abstract URI newDomain();

    @BeforeEach
    final void createDomain() {
        domain = newDomain();
    }

    @AfterEach
    final void closeComms() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        afterClosed(domain);
    }

    /** Runs after every transport of the test was closed: a transport's own checks and clean-up. */
    protected void afterClosed(URI closedDomain) {
    }

    /** Opens the test's domain once more: another process. */
    final Comm open() {
        Comm comm = Comm.open(domain);
        opened.add(comm);
        return comm;
    }
}
