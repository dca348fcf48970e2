package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class JmxTest {

    @TempDir
    Path dir;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private ObjectName only(String pattern) throws Exception {
        Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null);
        assertEquals(1, names.size(), "MBeans matching " + pattern + ": " + names);
        return names.iterator().next();
    }

    @Test
    void channelAndSharedMemoryCountersAreVisibleAndGoAwayOnClose() throws Exception {
        ObjectName channel;
        ObjectName memory;
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<String> jobs = comm.channel("jmx-jobs", String.class);
            jobs.send("a");
            jobs.send("b");
            jobs.send("c");
            jobs.receive();
            channel = only("io.litecomm:type=Channel,name=\"jmx-jobs\",*");
            assertEquals(3L, server.getAttribute(channel, "Sent"));
            assertEquals(1L, server.getAttribute(channel, "Received"));
            assertEquals(2, server.getAttribute(channel, "Depth"));
            assertEquals("ACTIVE", server.getAttribute(channel, "Mode"));
            assertEquals("json:java.lang.String", server.getAttribute(channel, "TypeDescriptor"));
            assertEquals(false, server.getAttribute(channel, "Closed"));
            SharedMemory shared = comm.sharedMemory();
            shared.set("k", 1);
            shared.set("k", 2);
            memory = only("io.litecomm:type=SharedMemory,*");
            assertEquals(2L, server.getAttribute(memory, "Version"));
            assertEquals(1, server.getAttribute(memory, "Keys"));
            jobs.close();
            assertEquals(true, server.getAttribute(channel, "Closed"));
            assertTrue(comm.delete("jmx-jobs"));
            assertFalse(server.isRegistered(channel), "deleted channel still registered");
            comm.channel("jmx-other", String.class);
            channel = only("io.litecomm:type=Channel,name=\"jmx-other\",*");
        }
        assertFalse(server.isRegistered(channel), "closed Comm's channel still registered");
        assertFalse(server.isRegistered(memory), "closed Comm's shared memory still registered");
    }
}
