package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.InProcessCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool run inside a process that uses the domain leaves that process's {@code fcntl} locks in
 * place: it reads files through the JVM's one shared channel per file, never closing a channel of
 * its own (closing any channel to a file drops every lock the JVM holds on it). A child process
 * ({@link LockProbe}) looks at the locks from outside before and after.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliKeepsLocksTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void inspectingAChannelKeepsThisProcesssProducerSlot() {
        Path domain = root.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            Channel<String> jobs = comm.channel("jobs", String.class);
            jobs.send("one");
            Path file = domain.resolve("jobs.chan");
            List<String> held = heldSlots(file);
            assertEquals(1, held.size(), "the sender holds one producer slot: " + held);

            List<String[]> commands = List.of(new String[] {"ls"}, new String[] {"ls", "jobs", "--json"},
                    new String[] {"tail", "jobs", "--count", "1"}, new String[] {"stat", "--count", "1", "--interval", "10"},
                    new String[] {"check"}, new String[] {"salvage", "jobs", "--to", "copy"});
            for (String[] command : commands) {
                String[] result = InProcessCli.run(domain, command);
                assertEquals("0", result[0], String.join(" ", command) + ": " + result[1] + result[2]);
                assertEquals(held, heldSlots(file), "after 'litecomm " + String.join(" ", command) + "'");
            }
            assertTrue(jobs.trySend("two"), "the channel still works");
            assertEquals("one", jobs.tryReceive().orElseThrow());
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    void checkingTheStoreWhileThisProcessWritesKeepsItsWriterLock() {
        Path domain = root.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            comm.sharedMemory().set("key", 1);
            comm.sharedMemory().publish("topic", 2);
            for (String name : List.of("storage.page", "pubsub.ring")) {
                Path file = domain.resolve(name);
                try (FileLocks.Handle handle = FileLocks.open(file); FileLocks.Held writing = handle.lock()) {
                    assertEquals(List.of(FileLocks.WRITER_LOCK + " HELD"), probe(file, FileLocks.WRITER_LOCK));
                    String[] result = InProcessCli.run(domain, "check");
                    assertEquals("0", result[0], result[1] + result[2]);
                    assertTrue(result[1].contains("note     " + file + ": checked while a writer held the file"), result[1]);
                    assertEquals(List.of(FileLocks.WRITER_LOCK + " HELD"), probe(file, FileLocks.WRITER_LOCK),
                            "the writer lock of " + name + " after 'litecomm check'");
                }
            }
            String[] after = InProcessCli.run(domain, "check");
            assertEquals("0", after[0], after[1] + after[2]);
            assertEquals(1, comm.sharedMemory().get("key", Integer.class));
        }
    }

    /** The producer slots whose lock byte another process cannot take now. */
    private List<String> heldSlots(Path file) {
        long[] offsets = new long[MailboxLayout.PRODUCER_SLOTS];
        for (int slot = 0; slot < offsets.length; slot++) {
            offsets[slot] = FileLocks.LOCK_REGION + slot;
        }
        List<String> held = new ArrayList<>();
        for (String line : probe(file, offsets)) {
            if (line.endsWith(" HELD")) {
                held.add(line);
            }
        }
        return held;
    }

    private List<String> probe(Path file, long... offsets) {
        String[] args = new String[offsets.length + 1];
        args[0] = file.toString();
        for (int i = 0; i < offsets.length; i++) {
            args[i + 1] = Long.toString(offsets[i]);
        }
        try (ChildJvm child = ChildJvm.start(root.resolve("logs"), LockProbe.class, args)) {
            child.awaitSuccess(WAIT);
            return child.output().lines().filter(line -> line.endsWith(" HELD") || line.endsWith(" FREE")).toList();
        }
    }
}
