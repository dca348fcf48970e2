package io.litecomm.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.TransportProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the contract suites share: the provider lookup, bounded waits, owned threads. */
final class ContractSupport {

    /** The longest any single step of a contract test waits. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private ContractSupport() {
    }

    /** A {@code mem:} domain name no other test uses. */
    static URI uniqueMemDomain(String prefix) {
        return URI.create("mem:" + prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
    }

    /** Opens a domain through the provider {@link ServiceLoader} finds for the URI's scheme. */
    static Transport openTransport(URI uri, Map<String, String> settings) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        for (TransportProvider provider : ServiceLoader.load(TransportProvider.class)) {
            if (provider.schemes().contains(scheme)) {
                return provider.open(new TransportContext(uri, settings, new ObjectMapper(), Duration.ofMillis(1)));
            }
        }
        throw new AssertionError("no provider for scheme: scheme=" + scheme);
    }

    /** Waits until {@code condition}, failing with {@code message} after {@link #WAIT}. */
    static void await(BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** A deadline {@code millis} from now on {@link System#nanoTime()}. */
    static long deadlineIn(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Threads a test starts: each records its failure; all are interrupted and joined at the end. */
    static final class Workers implements AutoCloseable {
        private final List<Thread> threads = new ArrayList<>();
        private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** Starts a named daemon thread running {@code body}. */
        Thread start(String name, ThrowingRunnable body) {
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "contract-" + name);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
            return thread;
        }

        /** Joins every thread within {@link #WAIT}, then rethrows the first failure. */
        void joinAll() throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (Thread thread : threads) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                thread.join(Math.max(1, left));
                if (thread.isAlive()) {
                    throw new AssertionError("thread did not end in time: thread=" + thread.getName());
                }
            }
            rethrow();
        }

        void rethrow() {
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError("a worker failed: " + failures.get(0), failures.get(0));
                failures.stream().skip(1).forEach(error::addSuppressed);
                throw error;
            }
        }

        /** Interrupts every thread still running and joins it, each within {@link #WAIT}. */
        @Override
        public void close() {
            for (Thread thread : threads) {
                thread.interrupt();
            }
            boolean interrupted = false;
            for (Thread thread : threads) {
                try {
                    thread.join(WAIT.toMillis());
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A test body that may throw. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
