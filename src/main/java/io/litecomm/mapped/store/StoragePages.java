package io.litecomm.mapped.store;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.StoragePageFile;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Opens (creating atomically if absent) and validates the shared-memory page of a domain. */
public final class StoragePages {

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private StoragePages() {
    }

    /**
     * Opens the page of a domain.
     *
     * @param domain the domain
     * @param mapper JSON mapper, default typing off
     * @return the page
     * @throws CorruptStorageException if the file is damaged or foreign
     */
    public static StoragePage open(DomainDirectory domain, ObjectMapper mapper) {
        Path file = domain.path().resolve(StoragePage.FILE_NAME);
        for (int attempt = 0; attempt < 8; attempt++) {
            try {
                domain.checkFile(file);
            } catch (NoSuchFileException absent) {
                domain.withLock(() -> domain.createAtomically(file, PageWriter.initialLength(),
                        channel -> PageWriter.writeInitial(channel, mapper)));
                continue;
            }
            PageFile page = openFile(file);
            if (page != null) {
                return new StoragePage(domain, file, mapper, page);
            }
        }
        throw new CorruptStorageException(file.toString(), "page keeps disappearing while being opened");
    }

    /**
     * Opens and maps the file now named {@code file} (already checked: regular, ours, no link).
     *
     * @param file the page's name
     * @return the mapped file, or {@code null} if it disappeared or was replaced meanwhile (try again)
     */
    static PageFile openFile(Path file) {
        Object before;
        try {
            before = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new TransportException("cannot read attributes: file=" + file + " cause=" + e, e);
        }
        FileLocks.Handle lock;
        try {
            lock = FileLocks.open(file);
        } catch (TransportException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return null;
            }
            throw e;
        }
        try {
            long size = lock.size();
            StoragePageFile.checkLength(size, file.toString());
            MappedByteBuffer map = lock.map(size);
            StoragePageFile.checkHeader(map, size, file.toString());
            // the identity must be the mapped file's: a page renamed over the name while it was being
            // opened would pair another file's identity with this mapping (and its length checks)
            Object after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (!before.equals(after)) {
                lock.close();
                return null;
            }
            return new PageFile(lock, map, before);
        } catch (NoSuchFileException e) {
            lock.close();
            return null;
        } catch (IOException e) {
            lock.close();
            throw new TransportException("cannot read attributes: file=" + file + " cause=" + e, e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Writes a complete page into a new hidden file next to {@code file}: created {@code 0600}
     * with {@code CREATE_NEW}, filled with real zeroes first (a full disk fails here, never later as
     * SIGBUS), then the given regions. The caller renames it over the page, or deletes it.
     *
     * @param file the page's name
     * @param length the new file's length
     * @param regions file offset to the bytes to write there
     * @return the new file
     * @throws TransportException naming the file on failure; nothing is left behind then
     */
    static Path writeReplacement(Path file, long length, Map<Long, ByteBuffer> regions) {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            Files.setPosixFilePermissions(tmp, FILE_MODE);
            ByteBuffer zeroes = ByteBuffer.allocate(64 * 1024);
            for (long done = 0; done < length; ) {
                zeroes.clear().limit((int) Math.min(zeroes.capacity(), length - done));
                while (zeroes.hasRemaining()) {
                    done += channel.write(zeroes, done);
                }
            }
            for (Map.Entry<Long, ByteBuffer> region : regions.entrySet()) {
                ByteBuffer bytes = region.getValue().duplicate();
                while (bytes.hasRemaining()) {
                    channel.write(bytes, region.getKey() + bytes.position());
                }
            }
            return tmp;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new TransportException("cannot write compacted page: file=" + file + " new=" + tmp.getFileName()
                    + " cause=" + e, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Deletes what a compacting writer killed before its rename left: hidden new pages of processes
     * that no longer run. Called by a writer about to write a new one.
     *
     * @param file the page's name
     */
    static void sweepLeftovers(Path file) {
        String prefix = "." + file.getFileName() + ".";
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(file.getParent(), prefix + "*.tmp")) {
            for (Path leftover : stream) {
                String[] parts = leftover.getFileName().toString().substring(prefix.length()).split("\\.");
                if (parts.length == 3 && isDeadPid(parts[0])) {
                    deleteQuietly(leftover);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover costs space, never correctness
        }
    }

    private static boolean isDeadPid(String text) {
        try {
            return ProcessHandle.of(Long.parseLong(text)).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // a hidden leftover, swept by a later compaction
        }
    }
}
