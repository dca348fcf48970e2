package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer truncates a mapped mailbox to zero: a receive reports {@link CorruptFileException} naming
 * the file, not an {@code InternalError}, other channels keep working, and a fresh open refuses the
 * file until it is deleted. (Sending on a truncated mapping is a known limitation: the JVM's
 * compare-and-set on a faulting page can abort the process; see docs/FORMAT.md.)
 */
@Timeout(60)
class TruncatedMappingTest {

    @TempDir
    Path dir;

    private void truncate(Comm comm, String name, long length) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(comm.directory().resolve(name + ".chan").toFile(), "rw")) {
            file.setLength(length);
        }
    }

    @Test
    void truncatedWhileMappedIsCorruptAndOtherChannelsWork() throws IOException {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<String> victim = comm.channel("victim", String.class);
            Channel<String> bystander = comm.channel("bystander", String.class);
            victim.send("one");
            bystander.send("still here");
            truncate(comm, "victim", 0);
            CorruptFileException e = assertThrows(CorruptFileException.class, victim::receive);
            assertTrue(e.getMessage().contains("victim.chan") && e.getMessage().contains("truncated"), e.getMessage());
            assertEquals("still here", bystander.receive());
        }
        try (Comm again = Comm.open(dir.resolve("d"))) {
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> again.channel("victim", String.class));
            assertTrue(e.getMessage().contains("empty file"), e.getMessage());
            assertTrue(again.delete("victim"));
            assertEquals(0, again.channel("victim", String.class).size());
        }
    }
}
