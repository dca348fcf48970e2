package io.litecomm.mapped.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.inspect.StoragePageLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction into a new page file (format 2.0): a page sealed by a compactor that died before its
 * rename is unsealed by the next reader or writer, hidden new pages of dead processes are swept,
 * the new file is {@code 0600}, and another {@code Comm} of the same JVM follows the rename.
 */
@Timeout(60)
class StoreCompactionTest {

    @TempDir
    Path dir;

    private static long generation(Path page) throws IOException {
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(b, StoragePageLayout.GENERATION_OFFSET);
            return b.getLong(0);
        }
    }

    /** What a compactor killed between sealing and renaming leaves: the page in place, sealed. */
    private static void seal(Path page) throws IOException {
        long sealed = generation(page) | StoragePageLayout.SEALED;
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sealed);
            channel.write(b, StoragePageLayout.GENERATION_OFFSET);
        }
    }

    @Test
    void aPageSealedByADeadCompactorIsUnsealedByTheNextReader() throws IOException {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("k", "v");
            Path page = comm.directory().resolve(StoragePage.FILE_NAME);
            seal(page);
            assertEquals("v", memory.get("k"));
            assertEquals(0, generation(page) & StoragePageLayout.SEALED, "unsealed");
            seal(page);
            memory.set("k2", "w");
            assertEquals(0, generation(page) & StoragePageLayout.SEALED, "unsealed by a writer");
        }
        try (Comm again = Comm.open(dir.resolve("d"))) {
            assertEquals("w", again.sharedMemory().get("k2"));
            assertEquals("v", again.sharedMemory().get("k"));
        }
    }

    @Test
    void aNewPageIsPrivateSweepsDeadLeftoversAndIsFollowedByAnotherCommOfTheJvm() throws Exception {
        Path domain = dir.resolve("d");
        try (Comm writer = Comm.open(domain); Comm reader = Comm.open(domain)) {
            Process gone = new ProcessBuilder("true").start();
            assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
            Path deadLeftover = domain.resolve(".storage.page." + gone.pid() + ".00ff.tmp");
            Path liveLeftover = domain.resolve(".storage.page." + ProcessHandle.current().pid() + ".00fe.tmp");
            writer.sharedMemory().set("small", 1);
            Files.write(deadLeftover, new byte[4096]);
            Files.write(liveLeftover, new byte[16]);
            Path page = domain.resolve(StoragePage.FILE_NAME);
            Object before = Files.readAttributes(page, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
            assertEquals(1, reader.sharedMemory().get("small"));
            String big = "b".repeat(2_000_000);
            writer.sharedMemory().set("big", big);
            assertEquals(big, reader.sharedMemory().get("big"));
            assertTrue(writer.sharedMemory().delete("big"));
            assertNull(reader.sharedMemory().get("big"));
            Object after = Files.readAttributes(page, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
            assertNotEquals(before, after, "compacted into a new file");
            assertTrue(Files.size(page) <= StoragePageLayout.MIN_FOOTPRINT, "size=" + Files.size(page));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(page)));
            assertFalse(Files.exists(deadLeftover), "a dead process's new page is swept");
            assertTrue(Files.exists(liveLeftover), "a live process's is not");
            reader.sharedMemory().set("fromReader", true);
            assertEquals(true, writer.sharedMemory().get("fromReader"));
            assertEquals(2, writer.sharedMemory().getAll().size());
        }
    }
}
