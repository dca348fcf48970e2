package io.litecomm.redis;

import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.PolledMessage;
import io.litecomm.spi.TransportException;
import io.litecomm.spi.WaitMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One process's handle on a channel of a Redis domain (docs/REDIS.md section 3): a stream with the
 * consumer group {@code g}, a meta hash and a signal stream. Sends and receives are scripts; a
 * receive takes the message into this process's pending list, then acknowledges it with an owner
 * check, and hands it over only once the acknowledgement succeeded. Thread-safe.
 */
final class RedisQueue implements MessageQueue {

    private static final int ATTEMPTS = 16;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How soon a waiter looks again while another process holds unacknowledged messages (it may have died). */
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisTransport transport;
    private final String name;
    private final String typeDescriptor;
    private final int capacity;
    private final int maxMessageLength;
    private final String location;
    private final byte[] domainKey;
    private final byte[] metaKey;
    private final byte[] streamKey;
    private final String signalKey;
    private final byte[] signalKeyBytes;
    private final byte[] tokensKey;
    private final List<byte[]> offerKeys;
    private final List<byte[]> takeKeys;
    private final List<byte[]> ackKeys;
    private volatile String epoch;
    private volatile boolean gone;
    /** Whether the last empty take saw messages of this channel that other processes took and have not acknowledged. */
    private volatile boolean heldElsewhere;
    /** Whether an empty take found the channel closed and drained (once true, true for good). */
    private volatile boolean drainedSeen;
    /**
     * The thread whose empty take last found the channel not drained, until it asks: a receive loop asks
     * right after its empty take, and gets that take's answer without another round trip.
     */
    private volatile Thread notDrainedFor;
    private volatile StreamEntryID lastSignal;

    RedisQueue(RedisTransport transport, String name, String typeDescriptor, int capacity, int maxMessageLength,
            String epoch) {
        this.transport = transport;
        this.name = name;
        this.typeDescriptor = typeDescriptor;
        this.capacity = capacity;
        this.maxMessageLength = maxMessageLength;
        this.epoch = epoch;
        RedisKeys keys = transport.keys();
        this.location = transport.location() + " channel=" + name;
        this.metaKey = RedisKeys.bytes(keys.meta(name));
        this.streamKey = RedisKeys.bytes(keys.stream(name));
        this.signalKey = keys.signal(name);
        this.signalKeyBytes = RedisKeys.bytes(signalKey);
        this.tokensKey = RedisKeys.bytes(keys.tokens(name, transport.process()));
        this.domainKey = RedisKeys.bytes(keys.domain());
        this.offerKeys = List.of(domainKey, metaKey, streamKey, signalKeyBytes, tokensKey);
        this.takeKeys = List.of(metaKey, streamKey, signalKeyBytes);
        this.ackKeys = List.of(metaKey, streamKey, signalKeyBytes, tokensKey);
    }

    String signalKey() {
        return signalKey;
    }

    /** The newest signal id a poll or offer of this process saw, or zero. */
    StreamEntryID lastSignal() {
        StreamEntryID seen = lastSignal;
        return seen == null ? new StreamEntryID(0, 0) : seen;
    }

    boolean isGone() {
        return gone;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public String typeDescriptor() {
        return typeDescriptor;
    }

    @Override
    public int maxMessageLength() {
        return maxMessageLength;
    }

    int capacity() {
        return capacity;
    }

    @Override
    public int offer(byte[] payload) {
        if (payload.length > maxMessageLength) {
            throw new IllegalArgumentException("message too large: length=" + payload.length + " max="
                    + maxMessageLength + " queue=" + location);
        }
        if (gone) {
            return CLOSED;
        }
        byte[] token = RedisKeys.bytes(transport.nextSendToken());
        // one lane per sending thread: a thread has one send under way at a time, so its last token decides a resend
        byte[] lane = lane();
        for (int attempt = 0; ; attempt++) {
            Object reply;
            try {
                reply = transport.server().eval("send to channel " + name, RedisScripts.OFFER, offerKeys,
                        List.of(payload, RedisKeys.bytes(epoch), lane, token));
            } catch (TransportException e) {
                // the reply may have been lost: the same token again is counted once
                if (attempt == 0 && RedisServer.brokeAtOnce(e)) {
                    continue;
                }
                throw e;
            }
            if (reply instanceof List<?> full) {
                lastSignal = id(full.get(1));
                return FULL;
            }
            long code = (Long) reply;
            if (code == 1) {
                return OFFERED;
            }
            if (code == -1) {
                return CLOSED;
            }
            if (code == -2 && !reopenIfLost()) {
                return CLOSED;
            }
            if (attempt >= ATTEMPTS) {
                throw lostDomain();
            }
            recreate();
        }
    }

    @Override
    public byte[] poll() {
        if (gone) {
            return null;
        }
        PolledMessage taken = transport.takes().take(List.of(this), 0);
        return taken == null ? null : taken.payload();
    }

    /** The keys of this channel in a {@code take.lua} call: meta, stream, signal. */
    List<byte[]> takeKeys() {
        return takeKeys;
    }

    String epoch() {
        return epoch;
    }

    void markGone() {
        gone = true;
    }

    void signalSeen(String state) {
        boolean held = state.endsWith(" p");
        boolean drained = state.endsWith(" d");
        heldElsewhere = held;
        if (drained) {
            drainedSeen = true;
        } else {
            notDrainedFor = Thread.currentThread();
        }
        lastSignal = new StreamEntryID(held || drained ? state.substring(0, state.length() - 2) : state);
    }

    /**
     * The deadline a wait on this channel uses: at most {@link #RECHECK_NANOS} away while other
     * processes hold messages of it unacknowledged, since no signal tells that a holder died.
     */
    long waitDeadline(long deadlineNanos) {
        if (!heldElsewhere) {
            return deadlineNanos;
        }
        long recheck = System.nanoTime() + RECHECK_NANOS;
        return deadlineNanos - recheck > 0 ? recheck : deadlineNanos;
    }

    /** Acknowledges a taken message; retries a lost reply, which the script answers the same way. */
    boolean acknowledge(String id, int length) {
        byte[] footprint = RedisKeys.bytes(Integer.toString(footprint(length)));
        long giveUp = System.nanoTime() + transport.server().address().timeout.toNanos();
        boolean repeat = false;
        // the lane's last acknowledged id answers a repeat: one thread has one acknowledgement under way at a time
        byte[] lane = lane();
        while (true) {
            try {
                List<byte[]> args = List.of(RedisKeys.bytes(id), transport.processBytes(), footprint,
                        RedisKeys.bytes(repeat ? "1" : "0"), lane);
                return (Long) transport.server().eval("acknowledge a message of channel " + name, RedisScripts.ACK,
                        ackKeys, args) == 1;
            } catch (TransportException e) {
                if (!(e.getCause() instanceof JedisConnectionException) || System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                repeat = true;
                LockSupport.parkNanos(RETRY_NANOS);
            }
        }
    }

    /** The calling thread's lane: one thread has one send, or one acknowledgement, under way at a time. */
    private static byte[] lane() {
        return RedisKeys.bytes(Long.toString(Thread.currentThread().getId()));
    }

    /** Bytes of capacity a message of {@code length} payload bytes holds: {@code align16(16 + length)}. */
    static int footprint(int length) {
        return (16 + length + 15) & ~15;
    }

    void recreate() {
        epoch = transport.recreate(name, typeDescriptor, capacity, maxMessageLength);
    }

    /**
     * The server has no channel of this handle's epoch: either it was deleted or replaced (the handle is
     * gone for good), or the server lost the domain (a restart without persistence) and another process
     * may have created the channel again since, with an epoch of its own. An epoch starts with the
     * incarnation of the domain it was made in ({@code create.lua}): if the domain's is another one now,
     * the handle opens the channel again.
     *
     * @return {@code true} if the handle opened the channel again; {@code false} if it is gone
     */
    boolean reopenIfLost() {
        byte[] current = transport.server().call("read the domain's incarnation", jedis -> jedis.hget(domainKey,
                RedisKeys.bytes("incarnation")));
        int dot = epoch.indexOf('.');
        String mine = dot < 0 ? "" : epoch.substring(0, dot);
        if (current == null || !mine.equals(new String(current, StandardCharsets.UTF_8))) {
            recreate();
            return true;
        }
        gone = true;
        return false;
    }

    private TransportException lostDomain() {
        return new TransportException("channel cannot be kept on the server: server=" + transport.server().name()
                + " channel=" + name + " problem=the domain's keys keep vanishing (server flushed or restarted)");
    }

    @Override
    public boolean close() {
        long code = (Long) transport.server().eval("close channel " + name, RedisScripts.CLOSE,
                List.of(metaKey, signalKeyBytes), List.of(RedisKeys.bytes(epoch)));
        if (code == -2 && reopenIfLost()) {
            return close();
        }
        return code == 1;
    }

    /** {epoch matches, closed, length, pending}. */
    private long[] state() {
        if (gone) {
            return new long[] {0, 1, 0, 0};
        }
        List<?> reply;
        try {
            reply = readState();
        } catch (TransportException e) {
            if (!RedisServer.brokeAtOnce(e)) {
                throw e;
            }
            reply = readState(); // a read: once more on a fresh connection
        }
        long[] state = new long[4];
        for (int i = 0; i < 4; i++) {
            state[i] = (Long) reply.get(i);
        }
        if (state[0] == 0 && reopenIfLost()) {
            reply = readState();
            for (int i = 0; i < 4; i++) {
                state[i] = (Long) reply.get(i);
            }
        }
        if (state[0] == 0) {
            gone = true;
        }
        return state;
    }

    private List<?> readState() {
        return (List<?>) transport.server().eval("read the state of channel " + name, RedisScripts.STATE,
                List.of(metaKey, streamKey), List.of(RedisKeys.bytes(epoch)));
    }

    @Override
    public boolean isClosed() {
        return state()[1] == 1;
    }

    @Override
    public boolean isClosedAndDrained() {
        if (drainedSeen) {
            // an empty take found it closed and empty, and that stays so
            return true;
        }
        if (notDrainedFor == Thread.currentThread()) {
            // this thread's empty take, just now, found it not drained: the answer of that same moment
            notDrainedFor = null;
            return false;
        }
        long[] state = state();
        return state[0] == 0 || state[1] == 1 && state[2] == 0;
    }

    @Override
    public int size() {
        long[] state = state();
        return (int) Math.max(0, state[2] - state[3]);
    }

    @Override
    public boolean isReplaced() {
        if (gone) {
            return true;
        }
        byte[] current = transport.server().call("read the epoch of channel " + name,
                jedis -> jedis.hget(metaKey, RedisKeys.bytes("epoch")));
        boolean replaced = current == null || !epoch.equals(new String(current, StandardCharsets.UTF_8));
        return replaced && !reopenIfLost();
    }

    @Override
    public void awaitReadable(long deadlineNanos, WaitMode mode) {
        if (gone) {
            return;
        }
        transport.waiter().await(List.of(signalKey), List.of(lastSignal()), waitDeadline(deadlineNanos));
    }

    @Override
    public void awaitWritable(int length, long deadlineNanos, WaitMode mode) {
        awaitReadable(deadlineNanos, mode);
    }

    @Override
    public void release() {
        try {
            transport.server().eval("leave channel " + name, RedisScripts.LEAVE,
                    List.of(metaKey, streamKey, tokensKey), List.of(transport.processBytes()));
        } catch (TransportException e) {
            // the server is gone: what this process left there is swept by the next taker
        }
    }

    private static StreamEntryID id(Object reply) {
        return new StreamEntryID(RedisServer.text(reply));
    }

    @Override
    public String toString() {
        return "RedisQueue[" + location + "]";
    }
}
