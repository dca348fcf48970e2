package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.Select;
import io.litecomm.Selected;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Select on redis://: one script takes exactly one message from one ready channel, fairly. */
class RedisSelectTest {

    private final RedisTestServer server = RedisTestServer.get();
    private final URI uri = server.uniqueDomain("select");

    @AfterEach
    void dropDomain() {
        assertEquals(List.of(), server.strayKeys());
        server.dropDomain(RedisTestServer.domainOf(uri));
    }

    @Test
    void eachCallTakesExactlyOneMessageAndTheReadyChannelsTakeTurns() {
        try (Comm sender = Comm.open(uri); Comm receiver = Comm.open(uri)) {
            List<Channel<String>> out = new ArrayList<>();
            List<Channel<String>> in = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                out.add(sender.channel(name, String.class));
                in.add(receiver.channel(name, String.class));
            }
            for (int i = 0; i < 10; i++) {
                for (Channel<String> channel : out) {
                    channel.send(channel.name() + i);
                }
            }
            Select<String> select = Select.of(in.get(0), in.get(1), in.get(2));
            Map<String, Integer> served = new HashMap<>();
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Selected<String> next = select.tryReceive().orElseThrow();
                served.merge(next.channel().name(), 1, Integer::sum);
                order.add(next.value());
                int left = 0;
                for (Channel<String> channel : in) {
                    left += channel.size();
                }
                assertEquals(29 - i, left, "a select call took more or less than one message");
            }
            assertEquals(Map.of("a", 10, "b", 10, "c", 10), served);
            assertEquals(List.of("a0", "b0", "c0", "a1", "b1", "c1"), order.subList(0, 6), "ready channels take turns");
            assertEquals(Optional.empty(), select.tryReceive());
        }
    }

    @Test
    void aSelectCallIsOneScriptCallWhateverTheNumberOfChannels() {
        try (Comm comm = Comm.open(uri); Jedis jedis = server.jedis()) {
            List<Channel<String>> channels = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                channels.add(comm.channel("empty-" + i, String.class));
            }
            @SuppressWarnings("unchecked")
            Select<String> select = Select.of(channels.toArray(new Channel[0]));
            long before = evalshaCalls(jedis);
            assertEquals(Optional.empty(), select.tryReceive());
            long calls = evalshaCalls(jedis) - before;
            // the take script, then one state script per channel to see whether all are closed and drained (one take
            // per channel would make 16); counted server-wide, so one spare for a stray call of another client
            assertTrue(calls <= 2 + channels.size(), "script calls for one empty select of 8 channels: " + calls);
            channels.get(5).send("x");
            before = evalshaCalls(jedis);
            assertEquals("x", select.receive(Duration.ofSeconds(10)).orElseThrow().value());
            long ready = evalshaCalls(jedis) - before;
            // one take script and one acknowledgement (a take per channel up to the ready one would make 7)
            assertTrue(ready <= 3, "script calls for a select that finds channel 5 of 8 ready: " + ready);
        }
    }

    private static long evalshaCalls(Jedis jedis) {
        for (String line : jedis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }
}
