package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.TransportContext;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/** The channel protocol of docs/REDIS.md 3.2-3.4, driven at the script level where a test must lose a reply. */
class RedisQueueProtocolTest {

    private static final QueueSpec SPEC = new QueueSpec("bytes", 4096, 100);

    private final RedisTestServer server = RedisTestServer.get();
    private final URI uri = server.uniqueDomain("protocol");
    private final String domain = RedisTestServer.domainOf(uri);
    private final RedisKeys keys = new RedisKeys(domain);

    @AfterEach
    void dropDomain() {
        assertEquals(List.of(), server.strayKeys());
        server.dropDomain(domain);
    }

    private RedisTransport open() {
        return RedisTransport.open(new TransportContext(uri, Map.of(), new ObjectMapper(), Duration.ofMillis(1)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSendResentWithItsTokenIsCommittedOnce() {
        try (RedisTransport transport = open(); Jedis jedis = server.jedis()) {
            RedisQueue queue = (RedisQueue) transport.openOrCreate("resend", SPEC);
            List<byte[]> keyList = List.of(bytes(keys.domain()), bytes(keys.meta("resend")), bytes(keys.stream("resend")),
                    bytes(keys.signal("resend")), bytes(keys.tokens("resend", transport.process())));
            List<byte[]> args = List.of(bytes("once"), bytes(queue.epoch()), bytes("lane-1"), bytes("77"));
            assertEquals(1L, RedisServer.eval(jedis, RedisScripts.OFFER, keyList, args));
            assertEquals(1L, RedisServer.eval(jedis, RedisScripts.OFFER, keyList, args), "the resend says sent");
            assertEquals(1, queue.size(), "and is not a second message");
            List<byte[]> other = List.of(bytes("other"), bytes(queue.epoch()), bytes("lane-2"), bytes("77"));
            assertEquals(1L, RedisServer.eval(jedis, RedisScripts.OFFER, keyList, other));
            assertEquals(2, queue.size(), "another lane's send with an equal token is its own message");
        }
    }

    @Test
    void twoHandlesOfOneChannelInOneProcessSendIndependently() {
        try (RedisTransport transport = open()) {
            MessageQueue first = transport.openOrCreate("handles", SPEC);
            MessageQueue second = transport.openOrCreate("handles", SPEC);
            assertEquals(MessageQueue.OFFERED, first.offer(bytes("a")));
            assertEquals(MessageQueue.OFFERED, second.offer(bytes("b")));
            assertArrayEquals(bytes("a"), first.poll());
            assertArrayEquals(bytes("b"), second.poll());
            assertNull(first.poll());
        }
    }

    @Test
    void aTakeWhoseReplyWasLostIsAdoptedByTheProcessesNextTakeOnce() {
        try (RedisTransport transport = open(); Jedis jedis = server.jedis()) {
            MessageQueue queue = transport.openOrCreate("lost", SPEC);
            queue.offer(bytes("m1"));
            queue.offer(bytes("m2"));
            // the take of m1 reached the server, its reply never came back: m1 is pending under this process
            jedis.xreadGroup("g", transport.process(), XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(keys.stream("lost"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            transport.takes().suspectOrphans();
            assertArrayEquals(bytes("m1"), queue.poll(), "the orphan first, to the process that took it");
            assertArrayEquals(bytes("m2"), queue.poll());
            assertNull(queue.poll());
            assertEquals(0, queue.size());
            assertEquals(true, queue.offer(bytes("m3")) == MessageQueue.OFFERED);
            assertArrayEquals(bytes("m3"), queue.poll());
        }
    }

    @Test
    void aMessageTakenByAGoneProcessGoesToALiveOneFirstAndOnce() {
        try (RedisTransport transport = open(); Jedis jedis = server.jedis()) {
            MessageQueue queue = transport.openOrCreate("gone", SPEC);
            queue.offer(bytes("m1"));
            queue.offer(bytes("m2"));
            // a process that took m1 and died: nobody is subscribed to its alive channel
            jedis.xreadGroup("g", "dead-process", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(keys.stream("gone"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            assertArrayEquals(bytes("m1"), queue.poll(), "the gone process's message first");
            assertArrayEquals(bytes("m2"), queue.poll());
            assertNull(queue.poll());
            assertEquals(0L, jedis.xpending(keys.stream("gone"), "g").getTotal());
        }
    }

    @Test
    void anAcknowledgementOfAMessageAnotherProcessNowOwnsFailsItsOwnerCheck() {
        try (RedisTransport transport = open(); Jedis jedis = server.jedis()) {
            RedisQueue queue = (RedisQueue) transport.openOrCreate("owner", SPEC);
            queue.offer(bytes("m1"));
            var taken = jedis.xreadGroup("g", transport.process(), XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(keys.stream("owner"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            StreamEntryID id = taken.get(0).getValue().get(0).getID();
            // while this process looked dead, another took the message over
            jedis.xclaim(keys.stream("owner"), "g", "other-process", 0,
                    redis.clients.jedis.params.XClaimParams.xClaimParams(), id);
            assertEquals(false, queue.acknowledge(id.toString(), 2), "not this process's any more: not handed over");
            assertEquals(1L, jedis.xlen(keys.stream("owner")), "and still there for its owner");
        }
    }
}
