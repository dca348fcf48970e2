package io.litecomm.reliability;

import static io.litecomm.reliability.ChildSupport.check;
import static io.litecomm.reliability.ChildSupport.say;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Fills a small tmpfs for {@link FullTmpfsTest}, in its own JVM so that a SIGBUS would kill this
 * process, not the test's. Commits ten keys, creates channels of 64 KiB (one message each) until
 * creation fails, grows the store past the space, creates a store in a second domain, checking
 * each failure is a {@link CommException} naming the file, thrown by the call, and that everything
 * committed before is intact. Prints {@code ALL-OK channels=n}. Arguments: domain, second domain.
 */
public final class FullDiskChild {

    /** The channels created until the disk is full: a 73,728-byte file each. */
    static final ChannelOptions CHANNEL = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(1024).build();
    /** A small pub/sub ring (the default 1 MiB would not fit at all). */
    static final CommOptions OPTIONS = CommOptions.builder().pubSubCapacity(4096).build();

    private FullDiskChild() {
    }

    /**
     * The keys committed before the disk fills.
     *
     * @return key to value
     */
    static Map<String, Object> keys() {
        Map<String, Object> keys = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            keys.put("k" + i, "value-" + i);
        }
        return keys;
    }

    public static void main(String[] args) throws IOException {
        ChildSupport.watchParent();
        Path domain = Path.of(args[0]);
        try (Comm comm = Comm.open(domain, OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            keys().forEach(memory::set);
            long version = memory.version();
            int created = fillWithChannels(comm, domain);
            check(!Files.exists(domain.resolve("c" + created + ".chan")), "a half-made channel file is visible");
            checkNoTemporaryFiles(domain);
            for (int i = 0; i < created; i++) {
                check(comm.channel("c" + i, String.class, CHANNEL).size() == 1, "channel c" + i + " lost its message");
            }
            growPastTheSpace(memory, domain, version);
            memory.set("small", 1);
            check(memory.version() == version + 1, "a small change after the failure must commit");
            createStoreOnFullDisk(Path.of(args[1]));
            say("ALL-OK channels=" + created);
        }
        System.exit(0);
    }

    private static int fillWithChannels(Comm comm, Path domain) {
        for (int created = 0; ; created++) {
            check(created < 100, "the 1 MiB tmpfs never filled");
            try {
                Channel<String> channel = comm.channel("c" + created, String.class, CHANNEL);
                channel.send("message-" + created);
            } catch (CommException e) {
                say("CREATE-FAILED index=" + created + " type=" + e.getClass().getName() + " message=" + e.getMessage());
                String file = domain.resolve("c" + created + ".chan").toString();
                check(e.getMessage().contains(file), "the exception does not name " + file + ": " + e.getMessage());
                return created;
            }
        }
    }

    private static void growPastTheSpace(SharedMemory memory, Path domain, long version) {
        Map<String, Object> before = memory.getAll();
        try {
            memory.set("big", "x".repeat(400_000));
            throw new IllegalStateException("growing the store on a full disk succeeded");
        } catch (CommException e) {
            say("GROW-FAILED type=" + e.getClass().getName() + " message=" + e.getMessage());
            String file = domain.resolve("storage.page").toString();
            check(e.getMessage().contains(file), "the exception does not name " + file + ": " + e.getMessage());
        }
        check(memory.version() == version, "a failed growth changed the version: " + memory.version());
        check(memory.get("big") == null, "the failed value is visible");
        check(before.equals(memory.getAll()) && before.equals(keys()), "the store changed: " + memory.getAll());
        try (Comm view = Comm.open(domain, OPTIONS)) {
            check(before.equals(view.sharedMemory().getAll()), "a fresh view differs: " + view.sharedMemory().getAll());
            check(view.sharedMemory().version() == version, "a fresh view has another version");
        }
    }

    private static void createStoreOnFullDisk(Path other) {
        try (Comm comm = Comm.open(other, OPTIONS)) {
            try {
                comm.sharedMemory();
                throw new IllegalStateException("creating a store on a full disk succeeded");
            } catch (CommException e) {
                say("PAGE-CREATE-FAILED type=" + e.getClass().getName() + " message=" + e.getMessage());
                String file = other.resolve("storage.page").toString();
                check(e.getMessage().contains(file), "the exception does not name " + file + ": " + e.getMessage());
            }
        }
    }

    private static void checkNoTemporaryFiles(Path domain) throws IOException {
        try (Stream<Path> files = Files.list(domain)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            check(left.isEmpty(), "temporary files left on the full disk: " + left);
        }
    }
}
