package io.litecomm.redis;

import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.PolledMessage;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.WaitMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.StreamEntryID;

/**
 * One process's view of a Redis domain: its connections (a pool, the liveness subscription, the
 * waiter), its channels and its shared store. See docs/REDIS.md for the keys and scripts.
 */
final class RedisTransport implements Transport {

    /** The format of the domain's keys this code reads and writes. */
    static final String FORMAT = "1";

    private final RedisAddress address;
    private final RedisServer server;
    private final RedisKeys keys;
    private final String process;
    private final byte[] processBytes;
    private final byte[] aliveBytes;
    private final RedisLiveness liveness;
    private final RedisWaiter waiter;
    private final com.fasterxml.jackson.databind.ObjectMapper objectMapper;
    private final Set<RedisQueue> opened = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object storeLock = new Object();
    private volatile RedisSharedStore store;
    private final RedisTakes takes = new RedisTakes(this);
    /** Numbers this process's sends: a token is unique per process, whichever queue object sends. */
    private final java.util.concurrent.atomic.AtomicLong sends = new java.util.concurrent.atomic.AtomicLong();

    private RedisTransport(RedisAddress address, TransportContext context) {
        this.address = address;
        this.objectMapper = context.objectMapper();
        this.keys = new RedisKeys(address.domain);
        this.process = UUID.randomUUID().toString();
        this.processBytes = RedisKeys.bytes(process);
        this.aliveBytes = RedisKeys.bytes(keys.alivePrefix());
        String clientName = "litecomm-" + ProcessHandle.current().pid() + "-" + process.substring(0, 8);
        this.server = new RedisServer(address, clientName);
        RedisLiveness started = null;
        try {
            checkDomain();
            started = new RedisLiveness(server, keys.alivePrefix() + process, clientName + "-alive");
            started.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        this.liveness = started;
        this.waiter = new RedisWaiter(server, keys.wake(process), clientName + "-waiter");
    }

    static RedisTransport open(TransportContext context) {
        return new RedisTransport(RedisAddress.parse(context.uri(), context.settings()), context);
    }

    /** Creates the domain's hash if needed and refuses a domain of another format or a foreign key. */
    private void checkDomain() {
        String key = keys.domain();
        Object reply = server.call("open the domain", jedis -> {
            String type = jedis.type(key);
            if (!type.equals("hash") && !type.equals("none")) {
                return type;
            }
            jedis.hsetnx(key, "format", FORMAT);
            return jedis.hget(key, "format");
        });
        String type = server.call("read the domain's key type", jedis -> jedis.type(key));
        if (!type.equals("hash")) {
            throw new CorruptStorageException(server.name() + " key " + key, "not a litecomm domain: a key of type "
                    + type);
        }
        if (!FORMAT.equals(reply)) {
            throw new CorruptStorageException(server.name() + " key " + key, "domain of format " + reply
                    + "; this litecomm reads format " + FORMAT);
        }
    }

    RedisServer server() {
        return server;
    }

    RedisKeys keys() {
        return keys;
    }

    /** A token no other send of this process has: the resend of a send whose reply was lost reuses it. */
    String nextSendToken() {
        return Long.toString(sends.incrementAndGet());
    }

    RedisTakes takes() {
        return takes;
    }

    RedisWaiter waiter() {
        return waiter;
    }

    String process() {
        return process;
    }

    byte[] processBytes() {
        return processBytes;
    }

    byte[] aliveBytes() {
        return aliveBytes;
    }

    RedisAddress address() {
        return address;
    }

    com.fasterxml.jackson.databind.ObjectMapper objectMapper() {
        return objectMapper;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("domain closed: uri=" + address.uri());
        }
    }

    @Override
    public URI uri() {
        return address.uri();
    }

    @Override
    public String location() {
        return address.toString();
    }

    @Override
    public Map<String, String> childEnvironment() {
        return Map.of("LITECOMM_URL", address.childUri());
    }

    @Override
    public MessageQueue openOrCreate(String name, QueueSpec spec) {
        checkOpen();
        checkSpec(name, spec);
        List<?> reply = create(name, spec.typeDescriptor(), spec.capacity(), spec.maxMessageLength());
        return track(queueOf(name, reply));
    }

    /** Creates the channel again after the server lost the domain's keys; returns the new epoch. */
    String recreate(String name, String typeDescriptor, int capacity, int maxMessageLength) {
        checkOpen();
        List<?> reply = create(name, typeDescriptor, capacity, maxMessageLength);
        return queueOf(name, reply).epochForRecreate();
    }

    private List<?> create(String name, String typeDescriptor, int capacity, int maxMessageLength) {
        List<byte[]> keyList = List.of(RedisKeys.bytes(keys.domain()), RedisKeys.bytes(keys.meta(name)),
                RedisKeys.bytes(keys.stream(name)), RedisKeys.bytes(keys.signal(name)), RedisKeys.bytes(keys.queues()));
        List<byte[]> args = List.of(RedisKeys.bytes(name), RedisKeys.bytes(typeDescriptor),
                RedisKeys.bytes(Integer.toString(capacity)), RedisKeys.bytes(Integer.toString(maxMessageLength)),
                RedisKeys.bytes(FORMAT));
        return (List<?>) server.eval("open channel " + name, RedisScripts.CREATE, keyList, args);
    }

    private QueueView queueOf(String name, List<?> reply) {
        String resource = server.name() + " key " + keys.meta(name);
        if (reply.size() == 2 && "foreign".equals(RedisServer.text(reply.get(0)))) {
            throw new CorruptStorageException(resource, "not a litecomm channel: a key of type "
                    + RedisServer.text(reply.get(1)));
        }
        for (Object field : reply) {
            if (field == null) {
                throw new CorruptStorageException(resource, "not a litecomm channel: fields missing from its hash");
            }
        }
        if (!FORMAT.equals(RedisServer.text(reply.get(0)))) {
            throw new CorruptStorageException(resource, "channel of format " + RedisServer.text(reply.get(0))
                    + "; this litecomm reads format " + FORMAT);
        }
        try {
            return new QueueView(name, RedisServer.text(reply.get(1)), Integer.parseInt(RedisServer.text(reply.get(2))),
                    Integer.parseInt(RedisServer.text(reply.get(3))), RedisServer.text(reply.get(4)));
        } catch (NumberFormatException e) {
            throw new CorruptStorageException(resource, "not a litecomm channel: capacity or maximum is not a number");
        }
    }

    private RedisQueue track(QueueView view) {
        RedisQueue queue = new RedisQueue(this, view.name, view.type, view.capacity, view.max, view.epoch);
        opened.add(queue);
        return queue;
    }

    /** The rules of the {@code file:} transport, so that a channel valid on one is valid on the other. */
    private void checkSpec(String name, QueueSpec spec) {
        int capacity = spec.capacity();
        if (capacity < 4096 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in [4096, 2^30]: capacity=" + capacity
                    + " queue=" + location() + " channel=" + name);
        }
        int largest = capacity / 2 - 16;
        if (spec.maxMessageLength() < 0 || spec.maxMessageLength() > largest) {
            throw new IllegalArgumentException("maximum message length must be in [0, " + largest + "] for capacity "
                    + capacity + ": max=" + spec.maxMessageLength() + " queue=" + location() + " channel=" + name);
        }
        if (spec.typeDescriptor() == null || spec.typeDescriptor().isEmpty()) {
            throw new IllegalArgumentException("type descriptor must not be empty: queue=" + location() + " channel="
                    + name);
        }
    }

    @Override
    public Optional<MessageQueue> openExisting(String name) {
        checkOpen();
        String key = keys.meta(name);
        List<byte[]> fields = server.call("open channel " + name, jedis -> {
            String type = jedis.type(key);
            if (type.equals("none")) {
                return null;
            }
            if (!type.equals("hash")) {
                throw new CorruptStorageException(server.name() + " key " + key, "not a litecomm channel: a key of type "
                        + type);
            }
            return jedis.hmget(RedisKeys.bytes(key), RedisKeys.bytes("format"), RedisKeys.bytes("type"),
                    RedisKeys.bytes("capacity"), RedisKeys.bytes("max"), RedisKeys.bytes("epoch"));
        });
        if (fields == null) {
            return Optional.empty();
        }
        return Optional.of(track(queueOf(name, new ArrayList<>(fields))));
    }

    @Override
    public List<String> list() {
        checkOpen();
        List<String> names = new ArrayList<>(server.call("list channels", jedis -> jedis.smembers(keys.queues())));
        names.sort(null);
        return names;
    }

    @Override
    public boolean delete(String name) {
        checkOpen();
        List<byte[]> keyList = List.of(RedisKeys.bytes(keys.meta(name)), RedisKeys.bytes(keys.stream(name)),
                RedisKeys.bytes(keys.signal(name)), RedisKeys.bytes(keys.tokens(name, process)), RedisKeys.bytes(keys.queues()));
        long existed = (Long) server.eval("delete channel " + name, RedisScripts.DELETE, keyList,
                List.of(RedisKeys.bytes(name)));
        return existed == 1;
    }

    @Override
    public SharedStore sharedStore() {
        checkOpen();
        RedisSharedStore current = store;
        if (current == null) {
            synchronized (storeLock) {
                current = store;
                if (current == null) {
                    current = new RedisSharedStore(this);
                    store = current;
                }
            }
        }
        return current;
    }

    @Override
    public PolledMessage pollAny(List<? extends MessageQueue> queues, int first) {
        List<RedisQueue> mine = new ArrayList<>(queues.size());
        List<Integer> indexes = new ArrayList<>(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            RedisQueue queue = own(queues.get(i));
            if (!queue.isGone()) {
                mine.add(queue);
                indexes.add(i);
            }
        }
        if (mine.isEmpty()) {
            return null;
        }
        int from = Math.floorMod(first, queues.size());
        int start = 0;
        while (start < indexes.size() && indexes.get(start) < from) {
            start++;
        }
        if (start == indexes.size()) {
            start = 0;
        }
        PolledMessage taken = takes.take(mine, start);
        return taken == null ? null : new PolledMessage(indexes.get(taken.index()), taken.payload());
    }

    private RedisQueue own(MessageQueue queue) {
        if (!(queue instanceof RedisQueue mine) || !opened.contains(mine)) {
            throw new IllegalArgumentException("not a queue of this transport: queue=" + queue + " uri=" + uri());
        }
        return mine;
    }

    /** Yes: a wait is a park woken by the waiter's read of the server, and any unpark ends it. */
    @Override
    public boolean waitsEndOnUnpark() {
        return true;
    }

    @Override
    public void awaitAnyReadable(List<? extends MessageQueue> queues, long deadlineNanos, WaitMode mode) {
        List<String> streams = new ArrayList<>(queues.size());
        List<StreamEntryID> after = new ArrayList<>(queues.size());
        long deadline = deadlineNanos;
        for (MessageQueue queue : queues) {
            RedisQueue mine = own(queue);
            if (mine.isGone()) {
                return;
            }
            streams.add(mine.signalKey());
            after.add(mine.lastSignal());
            deadline = mine.waitDeadline(deadline);
        }
        waiter.await(streams, after, deadline);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            waiter.close();
            RedisSharedStore current = store;
            if (current != null) {
                current.close();
            }
            for (RedisQueue queue : opened) {
                queue.release();
            }
            liveness.close();
        } finally {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "RedisTransport[" + address + (closed.get() ? ", closed]" : "]");
    }

    /** A channel's recorded fields. */
    private record QueueView(String name, String type, int capacity, int max, String epoch) {
        String epochForRecreate() {
            return epoch;
        }
    }
}
