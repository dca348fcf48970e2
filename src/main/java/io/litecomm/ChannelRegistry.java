package io.litecomm;

import io.litecomm.codec.Codec;
import io.litecomm.codec.Codecs;
import io.litecomm.spi.MessageQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The channels one {@link Comm} has open: one {@link ChannelCore} per name, shared by every typed
 * view, replaced when its queue was deleted or re-created by a peer, and released on close.
 */
final class ChannelRegistry {

    private final Comm comm;
    private final String jmxId;
    private final ConcurrentHashMap<String, ChannelCore> cores = new ConcurrentHashMap<>();

    ChannelRegistry(Comm comm, String jmxId) {
        this.comm = comm;
        this.jmxId = jmxId;
    }

    /** The core of a channel, opening its queue with {@code opener} if this domain has none yet. */
    ChannelCore core(String name, Supplier<MessageQueue> opener) {
        comm.checkOpen();
        ChannelCore core = cores.get(name);
        if (core != null && core.queue().isClosed() && core.queue().isReplaced()) {
            cores.remove(name, core);
            core = null;
        }
        if (core == null) {
            MessageQueue queue;
            try {
                queue = opener.get();
            } catch (RuntimeException e) {
                throw Errors.translate(e);
            }
            ChannelCore fresh = new ChannelCore(name, queue, comm.location(), comm);
            core = cores.putIfAbsent(name, fresh);
            if (core == null) {
                core = fresh;
                Jmx.register(core, Jmx.channelName(jmxId, name));
            } else {
                queue.release();
            }
        }
        return core;
    }

    /** A typed view, if the recorded type allows it. */
    <T> DefaultChannel<T> typed(ChannelCore core, Codec<T> codec, WaitStrategy strategy) {
        String recorded = core.queue().typeDescriptor();
        if (!codec.accepts(recorded)) {
            throw new ChannelTypeException(core.name(), core.queue().location(), codec.descriptor(), recorded);
        }
        CommOptions options = comm.options();
        return new DefaultChannel<>(comm, core, codec, strategy == null ? options.waitStrategy() : strategy);
    }

    /** A view with the recorded type: JSON channels untyped, others raw bytes. */
    @SuppressWarnings("unchecked")
    Channel<Object> recordedView(ChannelCore core) {
        CommOptions options = comm.options();
        String recorded = core.queue().typeDescriptor();
        if (recorded.startsWith(Codecs.JSON_PREFIX)) {
            return new DefaultChannel<>(comm, core, Codecs.json(options.objectMapper(), Object.class),
                    options.waitStrategy());
        }
        Codec<?> raw = Codecs.bytes();
        return (Channel<Object>) (Channel<?>) new DefaultChannel<>(comm, core, raw, options.waitStrategy());
    }

    /** The channel was deleted: this domain drops it, failing its pending futures. */
    void forget(String name) {
        ChannelCore removed = cores.remove(name);
        if (removed != null) {
            Jmx.unregister(Jmx.channelName(jmxId, name));
            removed.retire();
            removed.abandon("channel deleted");
            removed.queue().release();
        }
    }

    /** The domain closes: every core is released. */
    void closeAll() {
        for (ChannelCore core : cores.values()) {
            Jmx.unregister(Jmx.channelName(jmxId, core.name()));
            core.abandon("domain closed");
            core.queue().release();
        }
        cores.clear();
    }
}
