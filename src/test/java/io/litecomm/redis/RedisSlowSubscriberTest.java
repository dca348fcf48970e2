package io.litecomm.redis;

import static io.litecomm.redis.RedisFaultSupport.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.Subscription;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 6: a slow subscriber's gap is counted. Another process publishes far more than
 * the domain keeps ({@code pubSubCapacity=4096} bytes) while this process's subscriber is stuck in
 * its handler; once it is free again, every message is either delivered once, in order, or counted
 * in {@link SharedMemory#missedMessages()}, and the newest are delivered.
 */
@Timeout(120)
class RedisSlowSubscriberTest {

    private static final int MESSAGES = 2000;

    @TempDir
    Path dir;

    @Test
    void aSubscriberThatFellBehindLearnsExactlyHowManyItMissed() throws InterruptedException {
        RedisTestServer server = RedisTestServer.get();
        URI base = server.uniqueDomain("slowsub");
        URI uri = URI.create(base + "?pubSubCapacity=4096");
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> received = new CopyOnWriteArrayList<>();
        try (Comm comm = Comm.open(uri)) {
            SharedMemory memory = comm.sharedMemory();
            try (Subscription subscription = memory.onSubscriberReceive("news", data -> {
                received.add(Integer.parseInt(((String) data).substring(0, ((String) data).indexOf(' '))));
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
                 ChildJvm publisher = ChildJvm.start(dir.resolve("logs"), PublisherChild.class, uri.toString(), "news",
                         Integer.toString(MESSAGES))) {
                Await.until(() -> !received.isEmpty(), WAIT, () -> "the subscriber got nothing\n" + publisher.output());
                publisher.awaitOutput("DONE", WAIT);
                publisher.awaitSuccess(WAIT);
                release.countDown();
                Await.until(() -> received.size() + memory.missedMessages() >= MESSAGES
                        && received.get(received.size() - 1) == MESSAGES - 1, WAIT,
                        () -> "received=" + received.size() + " missed=" + memory.missedMessages());
                long missed = memory.missedMessages();
                System.out.println("REDIS slow subscriber published=" + MESSAGES + " received=" + received.size()
                        + " missed=" + missed);
                assertEquals(MESSAGES, received.size() + missed, "delivered plus missed: " + received.size() + " + "
                        + missed);
                assertTrue(missed > 0, "the subscriber was stuck while " + MESSAGES + " messages went by and missed none");
                for (int i = 1; i < received.size(); i++) {
                    assertTrue(received.get(i - 1) < received.get(i), "out of order or twice: " + received.get(i - 1)
                            + " then " + received.get(i));
                }
                assertEquals(0, received.get(0), "the first message published after the subscription");
            }
        } finally {
            assertEquals(List.of(), server.strayKeys());
            server.dropDomain(RedisTestServer.domainOf(base));
        }
    }
}
