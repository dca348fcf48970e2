package io.litecomm.redis;

import io.litecomm.spi.PolledMessage;
import io.litecomm.spi.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The receive side of a process's channels (docs/REDIS.md 3.3 and 3.4): {@code take.lua} takes exactly
 * one message from the first of one or more channels that has one, into this process's pending list;
 * {@code ack.lua} then acknowledges it with an owner check, and only then is it handed over. One
 * object per transport: it knows which messages the process's threads have taken and not yet
 * acknowledged, so that a take whose reply was lost is adopted by a later take, and by no other.
 */
final class RedisTakes {

    private static final int ATTEMPTS = 16;

    private final RedisTransport transport;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /**
     * Held shared by each take from its call until its id is in {@link #inFlight}, and exclusively by a
     * take that adopts orphans, so that it cannot mistake another thread's fresh take for one.
     */
    private final ReentrantReadWriteLock taking = new ReentrantReadWriteLock();
    /** Set when a take's or an acknowledgement's reply may have been lost. */
    private volatile boolean orphansPossible;

    RedisTakes(RedisTransport transport) {
        this.transport = transport;
    }

    /** Marks that a reply may have been lost, as a failed call does: the next lone take adopts orphans. */
    void suspectOrphans() {
        orphansPossible = true;
    }

    /**
     * Takes and acknowledges exactly one message from the first of {@code queues}, in order from
     * {@code first}, that has one.
     *
     * @return the message and its queue's index, or {@code null} if none had one (each queue then
     *     knows the signal id to wait on, or that it is gone)
     */
    PolledMessage take(List<RedisQueue> queues, int first) {
        int n = queues.size();
        List<byte[]> keys = new ArrayList<>(1 + 3 * n);
        keys.add(RedisKeys.bytes(transport.keys().domain()));
        for (RedisQueue queue : queues) {
            keys.addAll(queue.takeKeys());
        }
        String action = n == 1 ? "receive from channel " + queues.get(0).name() : "select on channels " + names(queues);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            boolean adopt = orphansPossible && taking.writeLock().tryLock();
            Lock held = adopt ? taking.writeLock() : taking.readLock();
            if (!adopt) {
                held.lock();
            }
            int index;
            String id;
            byte[] payload;
            try {
                List<byte[]> args = new ArrayList<>(5 + n + inFlight.size());
                args.add(transport.processBytes());
                args.add(transport.aliveBytes());
                args.add(RedisKeys.bytes(adopt ? "1" : "0"));
                args.add(RedisKeys.bytes(Integer.toString(first)));
                args.add(RedisKeys.bytes(Integer.toString(n)));
                for (RedisQueue queue : queues) {
                    args.add(RedisKeys.bytes(queue.epoch()));
                }
                for (String known : inFlight) {
                    args.add(RedisKeys.bytes(known));
                }
                List<?> reply;
                try {
                    reply = (List<?>) transport.server().eval(action, RedisScripts.TAKE, keys, args);
                } catch (TransportException e) {
                    orphansPossible = true;
                    if (attempt == 0 && RedisServer.brokeAtOnce(e)) {
                        // a stale connection, or a lost reply: the next take adopts what this one may have taken
                        continue;
                    }
                    throw e;
                }
                if ((Long) reply.get(0) == 0) {
                    if (noneTaken(queues, reply)) {
                        if (adopt) {
                            orphansPossible = false;
                        }
                        return null;
                    }
                    continue;
                }
                index = (int) (long) (Long) reply.get(1);
                id = RedisServer.text(reply.get(2));
                payload = (byte[]) reply.get(3);
                inFlight.add(id);
            } finally {
                held.unlock();
            }
            try {
                if (queues.get(index).acknowledge(id, payload.length)) {
                    return new PolledMessage(index, payload);
                }
            } catch (TransportException e) {
                // unacknowledged, it stays pending under this process: a later take adopts it
                orphansPossible = true;
                throw e;
            } finally {
                inFlight.remove(id);
            }
            // another process owns it now (this one looked dead to the server): take the next
        }
        return null;
    }

    /** Records each queue's state from a "nothing" reply; {@code false} if a queue had to be created again. */
    private static boolean noneTaken(List<RedisQueue> queues, List<?> reply) {
        boolean settled = true;
        for (int i = 0; i < queues.size(); i++) {
            String state = RedisServer.text(reply.get(i + 1));
            RedisQueue queue = queues.get(i);
            if (state.equals("-2")) {
                settled &= !queue.reopenIfLost();
            } else if (state.equals("-3")) {
                queue.recreate();
                settled = false;
            } else {
                queue.signalSeen(state);
            }
        }
        return settled;
    }

    private static List<String> names(List<RedisQueue> queues) {
        List<String> names = new ArrayList<>(queues.size());
        for (RedisQueue queue : queues) {
            names.add(queue.name());
        }
        return names;
    }
}
