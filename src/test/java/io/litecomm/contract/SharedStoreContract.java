package io.litecomm.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.SharedStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SharedStore} promises: get/set/contains/delete seen by every process, atomic
 * updates, snapshots, a version that moves with each change, the caller's own copies, and pub/sub
 * with readers that see what is published after them and count what they missed.
 */
@Timeout(60)
abstract class SharedStoreContract extends SpiContractBase {

    /** A small pub/sub stream (4 KiB), so that a reader can fall a ring behind. */
    @Override
    protected Map<String, String> settings() {
        return Map.of("pubSubCapacity", "4096");
    }

    @Test
    void setGetContainsDeleteAcrossProcesses() {
        SharedStore writer = open().sharedStore();
        SharedStore reader = open().sharedStore();
        assertFalse(reader.contains("k"));
        assertNull(reader.get("k"));
        writer.set("k", Map.of("n", 1, "list", List.of("a", true)));
        assertTrue(reader.contains("k"));
        assertEquals(Map.of("n", 1, "list", List.of("a", true)), reader.get("k"));
        writer.set("nothing", null);
        assertTrue(reader.contains("nothing"), "JSON null is a value");
        assertNull(reader.get("nothing"));
        assertTrue(reader.delete("k"));
        assertFalse(writer.delete("k"));
        assertFalse(writer.contains("k"));
        assertFalse(writer.location().isEmpty());
    }

    @Test
    void aValueThatIsNotJsonIsRefusedAndChangesNothing() {
        SharedStore store = open().sharedStore();
        long version = store.version();
        assertThrows(IllegalArgumentException.class, () -> store.set("bad", new Object()));
        assertFalse(store.contains("bad"));
        assertEquals(version, store.version());
    }

    @Test
    void updateIsAtomicUnderThreadsOfSeveralProcesses() throws Exception {
        SharedStore[] stores = {open().sharedStore(), open().sharedStore()};
        int threads = 4;
        int each = 150;
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            for (int t = 0; t < threads; t++) {
                SharedStore store = stores[t % 2];
                workers.start("updater-" + t, () -> {
                    for (int i = 0; i < each; i++) {
                        store.update("counter", old -> old == null ? 1 : ((Number) old).intValue() + 1);
                    }
                });
            }
            workers.joinAll();
        }
        assertEquals(threads * each, ((Number) stores[1].get("counter")).intValue());
    }

    @Test
    void updateReturnsTheNewValueDeletesOnNullAndFailsCleanly() {
        SharedStore store = open().sharedStore();
        assertEquals(5, store.update("x", old -> 5));
        assertNull(store.update("x", old -> null));
        assertFalse(store.contains("x"));
        store.set("y", "kept");
        long version = store.version();
        assertThrows(IllegalStateException.class, () -> store.update("y", old -> {
            throw new IllegalStateException("no");
        }));
        assertEquals("kept", store.get("y"));
        assertEquals(version, store.version(), "a failed update changes nothing");
    }

    @Test
    void getAllIsASnapshotTheCallerOwns() {
        SharedStore store = open().sharedStore();
        store.set("a", 1);
        store.set("b", List.of(1, 2));
        Map<String, Object> snapshot = store.getAll();
        assertEquals(Map.of("a", 1, "b", List.of(1, 2)), new LinkedHashMap<>(snapshot));
        open().sharedStore().set("c", 3);
        assertFalse(snapshot.containsKey("c"), "a snapshot does not follow later changes");
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) snapshot.get("b");
        list.add(3);
        Map<String, Object> value = new LinkedHashMap<>(Map.of("m", 1));
        store.set("m", value);
        value.put("later", 2);
        assertEquals(List.of(1, 2), store.get("b"), "changing a returned value changes nothing stored");
        assertEquals(Map.of("m", 1), store.get("m"), "changing a value after set changes nothing stored");
    }

    @Test
    void versionMovesWithEveryChange() {
        SharedStore store = open().sharedStore();
        SharedStore peer = open().sharedStore();
        long start = store.version();
        store.set("a", 1);
        assertTrue(peer.version() > start, "a set moves the version for every process");
        long afterSet = peer.version();
        assertFalse(peer.delete("missing"));
        assertEquals(afterSet, store.version(), "deleting a missing key is no change");
        peer.delete("a");
        assertTrue(store.version() > afterSet);
        long afterDelete = store.version();
        store.update("b", old -> 2);
        assertTrue(peer.version() > afterDelete);
    }

    @Test
    void aReaderSeesWhatIsPublishedAfterItInOrder() {
        SharedStore subscriber = open().sharedStore();
        SharedStore publisher = open().sharedStore();
        publisher.publish("before", bytes("old"));
        long from = subscriber.publishedPosition();
        SharedStore.TopicReader reader = subscriber.newReader();
        for (int i = 0; i < 5; i++) {
            publisher.publish(i % 2 == 0 ? "even" : "odd", bytes("m" + i));
        }
        List<String> got = new ArrayList<>();
        AtomicLong lastPosition = new AtomicLong(Long.MIN_VALUE);
        SharedStore.TopicSink sink = new SharedStore.TopicSink() {
            @Override
            public void message(long position, String topic, byte[] payload) {
                assertTrue(position >= from, "a position before the reader's start");
                assertTrue(position > lastPosition.get(), "positions grow");
                lastPosition.set(position);
                got.add(topic + ":" + new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void missed(long count) {
                throw new AssertionError("nothing was missed: count=" + count);
            }
        };
        ContractSupport.await(() -> {
            reader.poll(sink, 2);
            return got.size() >= 5;
        }, () -> "published messages not read: got=" + got);
        assertEquals(List.of("even:m0", "odd:m1", "even:m2", "odd:m3", "even:m4"), got);
        assertEquals(0, reader.poll(sink, 10));
        assertTrue(subscriber.publishedPosition() > from);
    }

    @Test
    void aReaderAWholeRingBehindCountsWhatItMissed() {
        SharedStore store = open().sharedStore();
        SharedStore.TopicReader reader = store.newReader();
        SharedStore publisher = open().sharedStore();
        int published = 200;
        for (int i = 0; i < published; i++) {
            publisher.publish("t", bytes(String.format("%0100d", i)));
        }
        AtomicLong missed = new AtomicLong();
        List<String> got = new ArrayList<>();
        SharedStore.TopicSink sink = new SharedStore.TopicSink() {
            @Override
            public void message(long position, String topic, byte[] payload) {
                got.add(new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void missed(long count) {
                missed.addAndGet(count);
            }
        };
        // a lapped reader may keep the newest messages that still fit, or jump to the end: either way
        // every message is either received once or counted as missed, and what follows is received
        ContractSupport.await(() -> {
            reader.poll(sink, 64);
            return got.size() + missed.get() >= published;
        }, () -> "messages neither read nor counted: got=" + got.size() + " missed=" + missed);
        assertEquals(published, got.size() + missed.get(), "got=" + got.size() + " missed=" + missed);
        assertTrue(missed.get() > 0, "200 messages of 100 bytes do not fit a 4 KiB ring");
        publisher.publish("t", bytes("after"));
        ContractSupport.await(() -> {
            reader.poll(sink, 64);
            return !got.isEmpty() && got.get(got.size() - 1).equals("after");
        }, () -> "a message published after the lap was not read: got=" + got.size());
        assertEquals(published + 1, got.size() + missed.get());
    }

    @Test
    void publishRefusesMoreThanMaxPublishLength() {
        SharedStore store = open().sharedStore();
        int max = store.maxPublishLength();
        assertTrue(max > 0 && max <= 4096, "max=" + max);
        assertThrows(IllegalArgumentException.class, () -> store.publish("t", new byte[max + 1]));
        SharedStore.TopicReader reader = store.newReader();
        store.publish("t", new byte[max]);
        byte[][] got = new byte[1][];
        ContractSupport.await(() -> {
            reader.poll(new SharedStore.TopicSink() {
                @Override
                public void message(long position, String topic, byte[] payload) {
                    got[0] = payload;
                }

                @Override
                public void missed(long count) {
                }
            }, 1);
            return got[0] != null;
        }, () -> "the largest message was not read");
        assertArrayEquals(new byte[max], got[0]);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
