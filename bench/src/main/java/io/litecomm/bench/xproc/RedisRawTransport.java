package io.litecomm.bench.xproc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The raw Jedis floor under litecomm's Redis channels, one connection per process and one command
 * per step: {@code shape=list} sends with {@code LPUSH} and receives with {@code BRPOP};
 * {@code shape=stream} sends with {@code XADD} and receives with {@code XREADGROUP BLOCK} then
 * {@code XACK} (one consumer group, as a litecomm channel has). Blocking reads wait at most
 * {@link #BLOCK_SECONDS} at a time, as litecomm's waiter does, and start again. Keys live under
 * {@code prefix} plus the measurement's directory name; the orchestrator deletes them afterwards.
 */
final class RedisRawTransport implements Transport {

    /** Longest single blocking read, in seconds (litecomm's waiter blocks in slices of at most 1 s). */
    static final int BLOCK_SECONDS = 1;
    private static final String GROUP = "g";

    @Override
    public Endpoint open(Params p, Params.Role role) {
        String prefix = p.get("prefix") + p.dir().getFileName() + ":";
        String rx = role.rx() == null ? null : prefix + role.rx();
        String tx = role.tx() == null ? null : prefix + role.tx();
        Jedis jedis = PubSubBench.jedis(p);
        String shape = p.get("shape");
        return switch (shape) {
            case "list" -> new ListEndpoint(jedis, rx, tx);
            case "stream" -> new StreamEndpoint(jedis, rx, tx);
            default -> throw new IllegalArgumentException("shape " + shape);
        };
    }

    /** {@code LPUSH} / {@code BRPOP}. */
    private static final class ListEndpoint implements Endpoint {
        private final Jedis jedis;
        private final byte[] rx;
        private final byte[] tx;

        ListEndpoint(Jedis jedis, String rx, String tx) {
            this.jedis = jedis;
            this.rx = rx == null ? null : rx.getBytes(StandardCharsets.UTF_8);
            this.tx = tx == null ? null : tx.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void send(byte[] message) {
            jedis.lpush(tx, message);
        }

        @Override
        public byte[] poll() {
            return jedis.rpop(rx);
        }

        @Override
        public byte[] take() {
            while (true) {
                List<byte[]> got = jedis.brpop(BLOCK_SECONDS, rx);
                if (got != null && got.size() == 2) {
                    return got.get(1);
                }
            }
        }

        @Override
        public void close() {
            jedis.close();
        }
    }

    /** {@code XADD} / {@code XREADGROUP} + {@code XACK}; messages as ISO-8859-1 strings of the 64 bytes. */
    private static final class StreamEndpoint implements Endpoint {
        private final Jedis jedis;
        private final String rx;
        private final String tx;
        private final Map<String, StreamEntryID> read;
        private final XReadGroupParams blocking = XReadGroupParams.xReadGroupParams().count(1)
                .block(BLOCK_SECONDS * 1000);
        private final XReadGroupParams once = XReadGroupParams.xReadGroupParams().count(1);
        /** Trimmed far behind the reader (a ping-pong has one message in flight), in the same {@code XADD}. */
        private final XAddParams add = XAddParams.xAddParams().maxLen(100_000).approximateTrimming();
        private final byte[] in = new byte[Msg.SIZE];

        StreamEndpoint(Jedis jedis, String rx, String tx) {
            this.jedis = jedis;
            this.rx = rx;
            this.tx = tx;
            this.read = rx == null ? null : Map.of(rx, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
            for (String key : new String[] {rx, tx}) {
                if (key != null) {
                    try {
                        jedis.xgroupCreate(key, GROUP, new StreamEntryID(0, 0), true);
                    } catch (JedisDataException exists) {
                        // BUSYGROUP: the other side made it
                    }
                }
            }
        }

        @Override
        public void send(byte[] message) {
            jedis.xadd(tx, add, Map.of("p", new String(message, StandardCharsets.ISO_8859_1)));
        }

        private byte[] read(XReadGroupParams params) {
            List<Map.Entry<String, List<StreamEntry>>> got = jedis.xreadGroup(GROUP, "c", params, read);
            if (got == null || got.isEmpty() || got.get(0).getValue().isEmpty()) {
                return null;
            }
            StreamEntry e = got.get(0).getValue().get(0);
            jedis.xack(rx, GROUP, e.getID());
            String payload = e.getFields().get("p");
            for (int i = 0; i < Msg.SIZE; i++) {
                in[i] = (byte) payload.charAt(i);
            }
            return in;
        }

        @Override
        public byte[] poll() {
            return read(once);
        }

        @Override
        public byte[] take() {
            byte[] m;
            while ((m = read(blocking)) == null) {
                Thread.onSpinWait();
            }
            return m;
        }

        @Override
        public void close() {
            jedis.close();
        }
    }
}
