package io.litecomm.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.CommException;
import io.litecomm.MessageTooLargeException;
import io.litecomm.SharedMemory;
import io.litecomm.Subscription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared memory through the public API, whatever the transport: typed gets and defaults, updates,
 * snapshots, the version, and pub/sub reaching every subscriber of every process, the publisher's
 * own included. Two {@code Comm}s on one domain stand for two processes.
 */
@Timeout(60)
abstract class SharedMemoryContract extends ApiContractBase {

    /** A value class for typed gets. */
    public record Point(int x, int y) {
    }

    @Test
    void aGetAfterASetSeesTheNewValueInEveryProcess() {
        SharedMemory writer = open().sharedMemory();
        SharedMemory reader = open().sharedMemory();
        writer.set("key", "value");
        assertEquals("value", reader.get("key"));
        assertEquals("value", reader.get("key", String.class));
        writer.set("key", "changed");
        assertEquals("changed", reader.get("key", String.class));
        assertTrue(reader.delete("key"));
        assertNull(writer.get("key"));
        assertFalse(writer.delete("key"));
    }

    @Test
    void typedGetsConvertAndDefaultsFillIn() {
        SharedMemory memory = open().sharedMemory();
        memory.set("point", new Point(1, 2));
        assertEquals(Map.of("x", 1, "y", 2), open().sharedMemory().get("point"));
        assertEquals(new Point(1, 2), open().sharedMemory().get("point", Point.class));
        assertEquals("fallback", memory.get("absent", "fallback"));
        memory.set("n", 41);
        assertEquals(41, memory.get("n", 0));
        CommException e = assertThrows(CommException.class, () -> memory.get("point", Integer.class));
        assertTrue(e.getMessage().contains("key=point"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> memory.set("", 1));
    }

    @Test
    void updateIsAtomicAcrossProcesses() throws Exception {
        SharedMemory[] memories = {open().sharedMemory(), open().sharedMemory()};
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            for (int t = 0; t < 4; t++) {
                SharedMemory memory = memories[t % 2];
                workers.start("updater-" + t, () -> {
                    for (int i = 0; i < 100; i++) {
                        memory.update("count", old -> old == null ? 1 : ((Number) old).intValue() + 1);
                    }
                });
            }
            workers.joinAll();
        }
        assertEquals(400, memories[0].get("count", Integer.class));
        assertNull(memories[1].update("count", old -> null));
        assertFalse(memories[0].getAll().containsKey("count"));
    }

    @Test
    void getAllIsASnapshot() {
        SharedMemory memory = open().sharedMemory();
        memory.set("a", 1);
        memory.set("b", List.of("x"));
        Map<String, Object> snapshot = open().sharedMemory().getAll();
        assertEquals(Map.of("a", 1, "b", List.of("x")), snapshot);
        memory.set("c", 3);
        assertFalse(snapshot.containsKey("c"));
    }

    @Test
    void versionCountsChangesOfEveryProcess() {
        SharedMemory memory = open().sharedMemory();
        SharedMemory other = open().sharedMemory();
        long start = memory.version();
        other.set("a", 1);
        other.set("a", 2);
        other.delete("a");
        assertEquals(start + 3, memory.version());
    }

    @Test
    void publishReachesEverySubscriberOfTheTopicInEveryProcess() {
        SharedMemory publisher = open().sharedMemory();
        SharedMemory subscriber = open().sharedMemory();
        List<Object> remote = new CopyOnWriteArrayList<>();
        List<Object> own = new CopyOnWriteArrayList<>();
        List<Object> otherTopic = new CopyOnWriteArrayList<>();
        subscriber.onSubscriberReceive("news", remote::add);
        Subscription mine = publisher.onSubscriberReceive("news", own::add);
        subscriber.onSubscriberReceive("sport", otherTopic::add);
        publisher.publish("news", Map.of("n", 1));
        publisher.publish("news", "two");
        ContractSupport.await(() -> remote.size() == 2 && own.size() == 2,
                () -> "delivered: remote=" + remote + " own=" + own);
        assertEquals(List.of(Map.of("n", 1), "two"), remote);
        assertEquals(List.of(Map.of("n", 1), "two"), own, "the publisher's own subscribers receive too");
        mine.cancel();
        publisher.publish("news", 3);
        ContractSupport.await(() -> remote.size() == 3, () -> "delivered: remote=" + remote);
        publisher.publish("sport", "goal");
        ContractSupport.await(() -> otherTopic.size() == 1, () -> "delivered: sport=" + otherTopic);
        assertEquals(2, own.size(), "a cancelled subscription receives nothing more");
        assertEquals(3, remote.size(), "a subscriber receives its topic only");
    }

    @Test
    void aMessageLargerThanTheRingAllowsIsRefused() {
        SharedMemory memory = open().sharedMemory();
        assertThrows(MessageTooLargeException.class, () -> memory.publish("big", "x".repeat(2 << 20)));
    }
}
