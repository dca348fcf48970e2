package io.litecomm.mapped.store;

import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The latched fault of one mapped file: once a mapped access has faulted (SIGBUS, which the JVM
 * reports as {@code InternalError}, in compiled code only some time after the access) or a length
 * check has found the file shorter than its mapping, every later operation fails with the same
 * {@link CorruptStorageException} before it touches the mapping again.
 */
final class MappingFault {

    private final Path file;
    private volatile String problem;

    MappingFault(Path file) {
        this.file = file;
    }

    /**
     * Fails if a fault was latched.
     *
     * @throws CorruptStorageException naming the file and the problem
     */
    void check() {
        String latched = problem;
        if (latched != null) {
            throw new CorruptStorageException(file.toString(), latched);
        }
    }

    /**
     * Latches a problem (the first one stays).
     *
     * @param found what is wrong
     * @return the exception to throw
     */
    CorruptStorageException latch(String found) {
        synchronized (this) {
            if (problem == null) {
                problem = found;
            }
        }
        return new CorruptStorageException(file.toString(), problem);
    }

    /**
     * Latches a fault on the mapping.
     *
     * @param fault what the JVM reported
     * @param mapped bytes this process has mapped
     * @return the exception to throw
     */
    CorruptStorageException truncated(InternalError fault, long mapped) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            length = -1;
        }
        latch("file truncated while mapped: length=" + length + " mapped=" + mapped);
        return new CorruptStorageException(file.toString(), problem, fault);
    }

    /**
     * Before a lock is taken: a system call the JVM returns from with any fault it still owes this
     * thread (so the fault surfaces here, not inside {@code FileChannel.tryLock}, where it would leave
     * a stale entry in the JVM's lock table), and a length check. A file that is shorter than this
     * process's mapping of it is latched as truncated, without touching the mapping. The
     * {@code stat} costs about a microsecond; skipping it on some calls let the JVM report a fault
     * of a write only after the call had returned (a bare {@code InternalError} in the caller).
     *
     * @param fileKey the identity of the mapped file
     * @param mapped bytes mapped
     * @return {@code false} if the name now holds another file (or none)
     */
    boolean checkLength(Object fileKey, long mapped) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true; // the operation itself will report what is wrong with the file
        }
        if (fileKey != null && !fileKey.equals(attributes.fileKey())) {
            return false;
        }
        if (attributes.size() < mapped) {
            throw latch("file truncated while mapped: length=" + attributes.size() + " mapped=" + mapped);
        }
        return true;
    }
}
