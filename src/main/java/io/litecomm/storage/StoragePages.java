package io.litecomm.storage;

import static io.litecomm.storage.StoragePageLayout.FILE_LENGTH_OFFSET;
import static io.litecomm.storage.StoragePageLayout.HEADER_LENGTH;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mailbox.DomainDirectory;
import io.litecomm.mailbox.FormatCheck;
import io.litecomm.mailbox.FileLocks;
import io.litecomm.spi.CorruptQueueException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens (creating atomically if absent) and validates the shared-memory page of a domain. */
public final class StoragePages {

    private StoragePages() {
    }

    /**
     * Opens the page of a domain.
     *
     * @param domain the domain
     * @param mapper JSON mapper, default typing off
     * @return the page
     * @throws CorruptQueueException if the file is damaged or foreign
     */
    public static StoragePage open(DomainDirectory domain, ObjectMapper mapper) {
        Path file = domain.path().resolve(StoragePage.FILE_NAME);
        for (int attempt = 0; attempt < 8; attempt++) {
            try {
                domain.checkFile(file);
            } catch (NoSuchFileException absent) {
                domain.withLock(() -> domain.createAtomically(file, StoragePage.initialLength(),
                        channel -> StoragePage.writeInitial(channel, mapper)));
                continue;
            }
            FileLocks.Handle lock = FileLocks.open(file);
            try {
                long size = lock.size();
                validateLength(file, size);
                MappedByteBuffer map = lock.map(size);
                validateHeader(file, map, size);
                return new StoragePage(file, mapper, lock, map);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }
        throw new CorruptQueueException(file.toString(), "page keeps disappearing while being opened");
    }

    private static void validateLength(Path file, long size) {
        if (size == 0) {
            throw new CorruptQueueException(file.toString(), "empty file: length=0");
        }
        if (size < HEADER_LENGTH) {
            throw new CorruptQueueException(file.toString(), "truncated header: length=" + size + " expected>=" + HEADER_LENGTH);
        }
        if (size > Integer.MAX_VALUE) {
            throw new CorruptQueueException(file.toString(), "file too large: length=" + size);
        }
    }

    static void validateHeader(Path file, MappedByteBuffer map, long size) {
        ByteBuffer b = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        String where = file.toString();
        FormatCheck.magicAndVersion(b, StoragePageLayout.MAGIC, StoragePageLayout.FORMAT_MAJOR, where);
        int headerLength = b.getInt(StoragePageLayout.HEADER_LENGTH_OFFSET);
        long fileLength = b.getLong(FILE_LENGTH_OFFSET);
        long generation = b.getLong(StoragePageLayout.GENERATION_OFFSET);
        if (headerLength != HEADER_LENGTH || fileLength < HEADER_LENGTH || fileLength > size || generation < 0) {
            throw new CorruptQueueException(where, "impossible header: headerLength=" + headerLength + " fileLength="
                    + fileLength + " actualLength=" + size + " generation=" + generation);
        }
    }
}
