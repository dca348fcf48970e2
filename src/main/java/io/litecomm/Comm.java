package io.litecomm;

import com.fasterxml.jackson.core.type.TypeReference;
import io.litecomm.codec.Codec;
import io.litecomm.codec.Codecs;
import io.litecomm.dispatch.BackoffIdleStrategy;
import io.litecomm.dispatch.IdleStrategy;
import io.litecomm.dispatch.WatchTask;
import io.litecomm.dispatch.Watcher;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.PolledMessage;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.Transport;
import io.litecomm.spi.WaitMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A domain: the channels (and shared memory) of one group of cooperating processes. Any process
 * that opens the same domain talks to the same channels. A domain is named by a URI whose scheme
 * picks the transport: {@code file:} (a directory of memory-mapped files, the default; also
 * {@link #open(Path)}), {@code mem:} (one JVM, for tests), or one a provider on the class or module
 * path adds ({@link io.litecomm.spi.TransportProvider}).
 *
 * <pre>{@code
 * try (Comm comm = Comm.open(Path.of("/dev/shm/my-app"))) {
 *     Channel<String> greetings = comm.channel("greetings", String.class);
 *     greetings.send("hello");
 * }
 * }</pre>
 *
 * <p>Closing a {@code Comm} releases this process's resources in the domain (mappings, threads,
 * descriptors) and stops its watcher thread; it does not close or delete channels. Several
 * {@code Comm}s on one domain in one JVM behave like separate processes. Thread-safe.
 */
public final class Comm implements AutoCloseable {

    /** Environment variable naming the default domain as a URI; read before {@link #ENV_DIR}. */
    public static final String ENV_URL = "LITECOMM_URL";
    /** Environment variable naming the default domain directory. */
    public static final String ENV_DIR = "LITECOMM_DIR";
    /** Environment variable a {@code ProcessManager} sets in its children: the parent's domain. */
    public static final String ENV_DOMAIN = "LITECOMM_DOMAIN";
    /** Environment variable a {@code ProcessManager} sets in its children: the child's name. */
    public static final String ENV_PROCESS_NAME = "LITECOMM_PROCESS_NAME";

    private final CommOptions options;
    private final Transport transport;
    private final String location;
    private final Watcher watcher;
    private final ChannelRegistry channels;
    private final long maxParkNanos;
    /** The watcher's longest queue wait on a transport whose waits end on unpark (its wake-ups reach it at once). */
    private static final long LONG_QUEUE_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private SharedMemory sharedMemory;
    private final String jmxId = Jmx.nextId();
    private volatile boolean closed;

    private Comm(Transport transport, CommOptions options) {
        this.transport = transport;
        this.location = transport.location();
        this.options = options;
        this.maxParkNanos = options.maxPark().toNanos();
        this.channels = new ChannelRegistry(this, jmxId);
        this.watcher = new Watcher("litecomm-watcher-" + watcherName(transport), this::newIdleStrategy,
                (task, failure) -> Failures.report(options.failureHandler(), new FailureContext(
                        FailureContext.Kind.WATCHER, String.valueOf(task), null, null), failure),
                (queues, deadline) -> transport.awaitAnyReadable(queues, deadline, WaitMode.BACKOFF),
                transport.waitsEndOnUnpark() ? LONG_QUEUE_WAIT_NANOS : maxParkNanos);
        Jmx.register(new WatcherView(watcher), Jmx.watcherName(jmxId));
    }

    private static String watcherName(Transport transport) {
        Optional<Path> directory = transport.directory();
        if (directory.isPresent() && directory.get().getFileName() != null) {
            return directory.get().getFileName().toString();
        }
        String ssp = transport.uri().getSchemeSpecificPart();
        return ssp == null ? transport.uri().getScheme() : ssp.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Opens a domain directory with default options, creating it ({@code 0700}) if needed: the
     * {@code file:} transport, the same as {@code open(directory.toUri())}.
     *
     * @param directory the domain directory
     * @return the domain
     * @throws CommException if the directory cannot be created or is refused (a symbolic link, owned
     *     by another user, writable by group or others)
     */
    public static Comm open(Path directory) {
        return open(directory, CommOptions.defaults());
    }

    /**
     * Opens a domain directory (the {@code file:} transport).
     *
     * @param directory the domain directory
     * @param options options for this process
     * @return the domain
     * @throws CommException if the directory cannot be created or is refused
     */
    public static Comm open(Path directory, CommOptions options) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        return open(directory.toAbsolutePath().toUri(), directory, options);
    }

    /**
     * Opens a domain by URI with default options: {@code file:///dev/shm/my-app}, {@code mem:tests},
     * or a scheme of a provider on the class or module path. Transport settings may follow as query
     * parameters ({@code file:///dev/shm/my-app?recoveryTimeout=PT5S}).
     *
     * @param uri the domain
     * @return the domain
     * @throws IllegalArgumentException if the URI has no scheme, no transport serves its scheme, or a
     *     setting is malformed or unknown (the message says which)
     * @throws CommException if the domain cannot be opened
     */
    public static Comm open(URI uri) {
        return open(uri, CommOptions.defaults());
    }

    /**
     * Opens a domain by URI.
     *
     * @param uri the domain
     * @param options options for this process; its transport settings apply where the URI has none
     * @return the domain
     * @throws IllegalArgumentException if the URI has no scheme, no transport serves its scheme, or a
     *     setting is malformed or unknown
     * @throws CommException if the domain cannot be opened
     */
    public static Comm open(URI uri, CommOptions options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        return open(uri, null, options);
    }

    private static Comm open(URI uri, Path path, CommOptions options) {
        Transport transport;
        try {
            transport = Transports.open(uri, path, options);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
        try {
            return new Comm(transport, options);
        } catch (RuntimeException | Error e) {
            transport.close();
            throw e;
        }
    }

    /**
     * The process-wide default domain, opened on first use: {@code $LITECOMM_URL} if set (a URI; in a
     * child started by {@code ProcessManager}, the parent's domain); otherwise
     * {@link #defaultDirectory()}. Closing it is allowed: the next call opens it again.
     *
     * @return the default domain
     */
    public static Comm current() {
        return DefaultDomain.current();
    }

    /**
     * The directory {@link #current()} opens when {@code LITECOMM_URL} is not set: in a child started
     * by {@code ProcessManager} the parent's domain; otherwise {@code $LITECOMM_DIR}; otherwise
     * {@code /dev/shm/litecomm-<user>} where {@code /dev/shm} is usable; otherwise
     * {@code <java.io.tmpdir>/litecomm-<user>}. Nothing is created.
     *
     * @return the directory
     */
    public static Path defaultDirectory() {
        return DefaultDomain.directory();
    }

    /**
     * Checks a channel name against the naming rule: 1 to 200 of {@code [A-Za-z0-9._-]}, not starting
     * with '.' or '-' (a dead-letter channel's {@code .dead} suffix does not count towards the 200).
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it breaks the rule; the message says which rule
     */
    public static String checkChannelName(String name) {
        return Names.check(name);
    }

    /** The default-directory rule of {@link #current()}, as a pure function. */
    static Path defaultDirectory(Map<String, String> env, Path shm, Path tmp, String user) {
        return DefaultDomain.directory(env, shm, tmp, user);
    }

    /**
     * In a child started by {@code ProcessManager}, the child's name.
     *
     * @return the name, or empty outside a managed child
     */
    public static Optional<String> processName() {
        String name = System.getenv(ENV_PROCESS_NAME);
        return name == null || name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    /**
     * In a child started by {@code ProcessManager}, its {@code {name}-active} channel in the
     * parent's domain.
     *
     * @param type payload type
     * @param <T> payload type
     * @return the channel
     * @throws IllegalStateException outside a managed child
     */
    public static <T> Channel<T> activeChannel(Class<T> type) {
        return current().channel(managedName() + "-active", type);
    }

    /**
     * In a child started by {@code ProcessManager}, its {@code {name}-passive} channel in the
     * parent's domain.
     *
     * @param type payload type
     * @param <T> payload type
     * @return the channel
     * @throws IllegalStateException outside a managed child
     */
    public static <T> Channel<T> passiveChannel(Class<T> type) {
        return current().channel(managedName() + "-passive", type);
    }

    private static String managedName() {
        return processName().orElseThrow(() -> new IllegalStateException(
                "not a child started by ProcessManager: environment variable " + ENV_PROCESS_NAME + " is not set"));
    }

    /**
     * Opens or creates a JSON channel of a class ({@code byte[].class} gives a raw bytes channel,
     * {@code Object.class} an untyped one).
     *
     * @param name channel name: 1 to 200 of {@code [A-Za-z0-9._-]}, not starting with '.' or '-'
     * @param type payload class
     * @param <T> payload type
     * @return the channel
     * @throws ChannelTypeException if the channel exists with an incompatible type
     * @throws CorruptFileException if its file is damaged or foreign
     */
    public <T> Channel<T> channel(String name, Class<T> type) {
        return channel(name, type, options.channelDefaults());
    }

    /**
     * Opens or creates a JSON channel of a class, with creation options.
     *
     * @param name channel name
     * @param type payload class
     * @param channelOptions used if this call creates the channel
     * @param <T> payload type
     * @return the channel
     */
    public <T> Channel<T> channel(String name, Class<T> type, ChannelOptions channelOptions) {
        return channel(name, Codecs.json(options.objectMapper(), type), channelOptions);
    }

    /**
     * Opens or creates a JSON channel of a generic type.
     *
     * @param name channel name
     * @param type payload type, e.g. {@code new TypeReference<List<String>>() {}}
     * @param <T> payload type
     * @return the channel
     */
    public <T> Channel<T> channel(String name, TypeReference<T> type) {
        return channel(name, type, options.channelDefaults());
    }

    /**
     * Opens or creates a JSON channel of a generic type, with creation options.
     *
     * @param name channel name
     * @param type payload type
     * @param channelOptions used if this call creates the channel
     * @param <T> payload type
     * @return the channel
     */
    public <T> Channel<T> channel(String name, TypeReference<T> type, ChannelOptions channelOptions) {
        return channel(name, Codecs.json(options.objectMapper(), type), channelOptions);
    }

    /**
     * Opens or creates an untyped channel: any JSON value, received as JSON-native Java values
     * ({@code Map}, {@code List}, {@code String}, numbers, {@code Boolean}).
     *
     * @param name channel name
     * @return the channel
     */
    public Channel<Object> channel(String name) {
        return channel(name, Object.class);
    }

    /**
     * Opens or creates a channel with a codec of the caller's.
     *
     * @param name channel name
     * @param codec the codec; its descriptor is recorded on creation
     * @param <T> payload type
     * @return the channel
     */
    public <T> Channel<T> channel(String name, Codec<T> codec) {
        return channel(name, codec, options.channelDefaults());
    }

    /**
     * Opens or creates a channel with a codec of the caller's and creation options.
     *
     * @param name channel name
     * @param codec the codec; its descriptor is recorded on creation
     * @param channelOptions used if this call creates the channel
     * @param <T> payload type
     * @return the channel
     */
    public <T> Channel<T> channel(String name, Codec<T> codec, ChannelOptions channelOptions) {
        Names.checkUser(name);
        Objects.requireNonNull(codec, "codec");
        Names.checkDeadLetterType(name, codec.descriptor());
        return libraryChannel(name, codec, channelOptions);
    }

    /** Opens or creates an untyped channel of any name, reserved ones included: for the library's own channels. */
    Channel<Object> libraryChannel(String name) {
        return libraryChannel(name, Codecs.json(options.objectMapper(), Object.class), options.channelDefaults());
    }

    /** Opens or creates a channel of any name, reserved ones included: for the library's own channels. */
    <T> Channel<T> libraryChannel(String name, Codec<T> codec, ChannelOptions channelOptions) {
        Names.check(name);
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(channelOptions, "channelOptions");
        QueueSpec spec = new QueueSpec(codec.descriptor(), channelOptions.capacity(), channelOptions.maxMessageSize());
        ChannelCore core = channels.core(name, () -> transport.openOrCreate(name, spec));
        return channels.typed(core, codec, channelOptions.waitStrategy());
    }

    /**
     * Opens an existing channel with the type recorded in it: JSON channels as untyped JSON-native
     * values, other channels as raw {@code byte[]}.
     *
     * @param name channel name
     * @return the channel
     * @throws NoSuchChannelException if there is no such channel
     */
    public Channel<Object> getChannel(String name) {
        Names.checkUser(name);
        return existingChannel(name);
    }

    private Channel<Object> existingChannel(String name) {
        Names.check(name);
        ChannelCore core = channels.core(name, () -> transport.openExisting(name).orElseThrow(() ->
                new NoSuchChannelException("no such channel: channel=" + name + " dir=" + location)));
        return channels.recordedView(core);
    }

    /**
     * Every channel in the domain, by name, opened as by {@link #getChannel(String)}.
     *
     * @return name to channel, sorted by name
     * @throws CorruptFileException if a channel file is damaged
     */
    public Map<String, Channel<?>> getChannels() {
        checkOpen();
        Map<String, Channel<?>> channels = new LinkedHashMap<>();
        for (String name : call(transport::list)) {
            try {
                channels.put(name, existingChannel(name));
            } catch (NoSuchChannelException deletedMeanwhile) {
                // gone between listing and opening
            }
        }
        return channels;
    }

    /**
     * Closes a channel for every process and removes its file, so the name can be reused. Peers
     * that still hold it see it closed.
     *
     * @param name channel name
     * @return {@code true} if the channel existed
     */
    public boolean delete(String name) {
        Names.check(name);
        checkOpen();
        boolean existed = call(() -> transport.delete(name));
        channels.forget(name);
        wakeWatcher();
        return existed;
    }

    /**
     * The domain's shared memory: a key-value store with pub/sub shared by every process of the
     * domain. Opened (and created; with the {@code file:} transport, file {@code storage.page}) on
     * first use.
     *
     * @return the shared memory
     * @throws CorruptFileException if its file is damaged or foreign
     */
    public synchronized SharedMemory sharedMemory() {
        checkOpen();
        if (sharedMemory == null) {
            sharedMemory = new SharedMemory(this, call(transport::sharedStore), options.objectMapper());
            Jmx.register(sharedMemory.mxBean(), Jmx.sharedMemoryName(jmxId));
        }
        return sharedMemory;
    }

    /**
     * The domain directory, for transports that keep one (the {@code file:} transport).
     *
     * @return its absolute path
     * @throws IllegalStateException if the domain has no directory (for example {@code mem:})
     */
    public Path directory() {
        return transport.directory().orElseThrow(() -> new IllegalStateException(
                "domain has no directory: uri=" + transport.uri()));
    }

    /**
     * The domain's URI, normalised: for {@code file:}, the directory's absolute {@code file:} URI.
     *
     * @return the URI
     */
    public URI uri() {
        return transport.uri();
    }

    /** Where the domain lives, for messages: a directory, a server address. */
    String location() {
        return location;
    }

    /** What a child process needs in its environment to open this domain with {@link #current()}. */
    Map<String, String> childEnvironment() {
        return transport.childEnvironment();
    }

    /**
     * The options of this {@code Comm}.
     *
     * @return the options
     */
    public CommOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watcher.close();
        Jmx.unregister(Jmx.watcherName(jmxId));
        channels.closeAll();
        transport.close();
        synchronized (this) {
            if (sharedMemory != null) {
                Jmx.unregister(Jmx.sharedMemoryName(jmxId));
                sharedMemory.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Comm[" + location + (closed ? ", closed]" : "]");
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    Transport transport() {
        return transport;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("domain closed: dir=" + location);
        }
    }

    IdleStrategy newIdleStrategy() {
        return BackoffIdleStrategy.withMaxPark(maxParkNanos);
    }

    /** How the transport is asked to wait for a channel's wait strategy. */
    static WaitMode waitMode(WaitStrategy strategy) {
        switch (strategy) {
            case BUSY_SPIN:
                return WaitMode.SPIN;
            case BLOCKING:
                return WaitMode.BLOCK;
            default:
                return WaitMode.BACKOFF;
        }
    }

    /** Waits until any of the queues may be readable (a {@link Select}). */
    PolledMessage pollAny(List<? extends MessageQueue> queues, int first) {
        return transport.pollAny(queues, first);
    }

    void awaitAnyReadable(List<? extends MessageQueue> queues, long deadlineNanos, WaitMode mode) {
        transport.awaitAnyReadable(queues, deadlineNanos, mode);
    }

    void watch(WatchTask task) {
        watcher.add(task);
    }

    void wakeWatcher() {
        watcher.wake();
    }
}
