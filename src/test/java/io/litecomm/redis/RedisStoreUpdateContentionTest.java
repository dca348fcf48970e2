package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.TransportContext;
import io.litecomm.testing.ChildJvm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code update} under contention: threads of several transports, and a child JVM against this
 * one, all incrementing one key. The count is exact, every increment returned a value no other
 * returned, and the store version moved once per update however often {@code fn} ran.
 */
@Timeout(90)
class RedisStoreUpdateContentionTest extends RedisStoreDomainTest {

    @TempDir
    Path logs;

    private static Object increment(Object old) {
        return old == null ? 1 : ((Number) old).intValue() + 1;
    }

    @Test
    void threadsOfSeveralTransportsCountExactly() throws Exception {
        int transports = 3;
        int threadsEach = 2;
        int each = 150;
        List<SharedStore> stores = new ArrayList<>();
        for (int i = 0; i < transports; i++) {
            stores.add(open().sharedStore());
        }
        long versionBefore = stores.get(0).version();
        AtomicLong runs = new AtomicLong();
        Set<Integer> returned = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < transports * threadsEach; t++) {
            SharedStore store = stores.get(t % transports);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        Object value = store.update("counter", old -> {
                            runs.incrementAndGet();
                            return increment(old);
                        });
                        if (!returned.add(((Number) value).intValue())) {
                            failures.add(new AssertionError("two updates returned the same count: " + value));
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "updater-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(WAIT.toMillis());
            assertTrue(!thread.isAlive(), "updater did not finish: " + thread.getName());
        }
        assertEquals(List.of(), failures);
        int total = transports * threadsEach * each;
        assertEquals(total, ((Number) stores.get(1).get("counter")).intValue());
        assertEquals(total, returned.size());
        assertEquals(versionBefore + total, stores.get(2).version(), "one version step per update, retries none");
        assertTrue(runs.get() >= total, "fn ran at least once per update: runs=" + runs);
    }

    @Test
    void aChildJvmAndThisOneCountExactly() throws Exception {
        int each = 300;
        SharedStore store = open().sharedStore();
        try (ChildJvm child = ChildJvm.start(logs, Updater.class, domain.toString(), "counter",
                Integer.toString(each))) {
            child.awaitOutput("updating", WAIT);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Thread local = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        store.update("counter", RedisStoreUpdateContentionTest::increment);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "local-updater");
            local.setDaemon(true);
            local.start();
            for (int i = 0; i < each; i++) {
                store.update("counter", RedisStoreUpdateContentionTest::increment);
            }
            local.join(WAIT.toMillis());
            assertEquals(List.of(), failures);
            child.awaitSuccess(WAIT);
            assertTrue(child.output().contains("done " + each), child.output());
        }
        assertEquals(3 * each, ((Number) store.get("counter")).intValue());
    }

    /** A child process: {@code update}s a key {@code N} times on the domain it is given, then says so. */
    public static final class Updater {
        private Updater() {
        }

        /**
         * Runs the updates.
         *
         * @param args domain URI, key, count
         */
        public static void main(String[] args) {
            ChildJvm.haltWhenParentGone();
            try (RedisTransport transport = RedisTransport.open(new TransportContext(URI.create(args[0]), Map.of(),
                    new ObjectMapper(), Duration.ofMillis(1)))) {
                SharedStore store = transport.sharedStore();
                int count = Integer.parseInt(args[2]);
                System.out.println("updating");
                System.out.flush();
                for (int i = 0; i < count; i++) {
                    store.update(args[1], RedisStoreUpdateContentionTest::increment);
                }
                System.out.println("done " + count);
                System.out.flush();
            }
        }
    }
}
