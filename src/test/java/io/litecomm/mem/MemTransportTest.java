package io.litecomm.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.ProcessManager;
import io.litecomm.SharedMemory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only the {@code mem:} transport promises: URI forms, settings, lifetime, no child processes. */
@Timeout(30)
class MemTransportTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private static String unique() {
        return "mem-test-" + NAMES.incrementAndGet() + "-" + ProcessHandle.current().pid();
    }

    @Test
    void twoCommsOnOneNameShareChannelsAndMemory() {
        URI uri = URI.create("mem:" + unique());
        try (Comm a = Comm.open(uri); Comm b = Comm.open(uri)) {
            a.channel("jobs", String.class).send("one");
            assertEquals(Optional.of("one"), b.channel("jobs", String.class).receive(Duration.ofSeconds(5)));
            a.sharedMemory().set("k", List.of(1, 2));
            assertEquals(List.of(1, 2), b.sharedMemory().get("k"));
            assertEquals(uri, a.uri());
        }
    }

    @Test
    void aDomainIsDroppedWhenItsLastCommCloses() {
        String name = unique();
        URI uri = URI.create("mem:" + name);
        Comm first = Comm.open(uri);
        Comm second = Comm.open(uri);
        first.channel("kept", String.class).send("hello");
        first.sharedMemory().set("key", "value");
        first.close();
        // one Comm still references the domain: nothing is lost
        assertTrue(MemDomains.isLive(name));
        assertEquals(1, second.channel("kept", String.class).size());
        second.close();
        assertFalse(MemDomains.isLive(name));
        try (Comm again = Comm.open(uri)) {
            assertEquals(Map.of(), again.getChannels());
            assertEquals(Map.of(), again.sharedMemory().getAll());
            assertEquals(0, again.sharedMemory().version());
        }
    }

    @Test
    void uriFormsAreCheckedAndNamed() {
        for (String bad : List.of("mem://host/x", "mem:/x", "mem:a%20b", "mem:x#frag", "mem:a/b", "mem:?k=v")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Comm.open(new URI(bad)),
                    bad);
            assertTrue(e.getMessage().contains("mem:NAME"), e.getMessage());
        }
    }

    @Test
    void unknownSettingsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("mem:" + unique() + "?colour=blue")));
        assertTrue(e.getMessage().contains("setting=colour"), e.getMessage());
        IllegalArgumentException inCode = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("mem:" + unique()),
                        CommOptions.builder().recoveryTimeout(Duration.ofSeconds(1)).build()));
        assertTrue(inCode.getMessage().contains("setting=recoveryTimeout"), inCode.getMessage());
        IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("mem:" + unique() + "?pubSubCapacity=1000")));
        assertTrue(badValue.getMessage().contains("setting=pubSubCapacity value=1000"), badValue.getMessage());
        try (Comm ok = Comm.open(URI.create("mem:" + unique() + "?pubSubCapacity=4096"))) {
            assertEquals(1024, ok.sharedMemory().getAll().size() + 1024);
        }
    }

    @Test
    void aMemDomainHasNoDirectory() {
        try (Comm comm = Comm.open(URI.create("mem:" + unique()))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, comm::directory);
            assertTrue(e.getMessage().contains("uri=mem:"), e.getMessage());
        }
    }

    @Test
    void aChildProcessCannotJoinAMemDomain() {
        URI uri = URI.create("mem:" + unique());
        try (Comm comm = Comm.open(uri); ProcessManager processes = new ProcessManager(comm)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> processes.add("child", Child.class));
            assertTrue(e.getMessage().contains("uri=" + uri), e.getMessage());
            assertTrue(e.getMessage().contains("file:"), e.getMessage());
            assertTrue(comm.getChannels().isEmpty(), "a refused add left channels behind: " + comm.getChannels().keySet());
        }
    }

    @Test
    void storedValuesAreTheCallersOwnCopies() {
        try (Comm comm = Comm.open(URI.create("mem:" + unique()))) {
            SharedMemory memory = comm.sharedMemory();
            List<Object> mine = new ArrayList<>(List.of("a"));
            memory.set("list", mine);
            mine.add("b");
            @SuppressWarnings("unchecked")
            List<Object> read = (List<Object>) memory.get("list");
            assertEquals(List.of("a"), read);
            read.add("c");
            assertEquals(List.of("a"), memory.get("list"));
            assertNotSame(memory.get("list"), memory.get("list"));
        }
    }

    @Test
    void theTransportStartsNoThreadOfItsOwn() {
        Set<String> before = threadNames();
        try (Comm comm = Comm.open(URI.create("mem:" + unique()))) {
            Channel<String> channel = comm.channel("c", String.class);
            channel.trySend("x");
            channel.tryReceive();
            comm.sharedMemory().set("k", 1);
            Set<String> started = threadNames();
            started.removeAll(before);
            // the face's watcher is the only thread a Comm has; it starts on first passive use
            assertTrue(started.stream().allMatch(n -> n.startsWith("litecomm-watcher")), started.toString());
        }
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }

    /** A child main that is never started. */
    public static final class Child {
        public static void main(String[] args) {
            // never run: a mem: domain refuses children
        }
    }
}
