package io.litecomm.mapped.mailbox;

import static io.litecomm.mapped.inspect.MailboxLayout.HEAD_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TAIL_OFFSET;

import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxDamage;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox's damage latch and the checks that feed it: a mapped access that faulted (the file was
 * truncated under the mapping), header fields or counters a peer damaged, a file found shorter than
 * the mapping. Once latched, every later operation fails with the same problem before touching the
 * mapping again. Nothing here is on the message path except {@link #checkMapped()}.
 */
final class MailboxFaults {

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);

    private final String name;
    private final Path file;
    private final MappedByteBuffer buffer;
    private final MailboxHeader header;
    private final int capacity;
    private final Object fileKey;
    private final FileLocks.Handle locks;
    /**
     * Set when a mapped access faulted or the file was found damaged: the problem every later
     * operation reports, without touching the mapping again.
     */
    private volatile String damage;

    MailboxFaults(String name, Path file, MappedByteBuffer buffer, MailboxHeader header, Object fileKey,
            FileLocks.Handle locks) {
        this.name = name;
        this.file = file;
        this.buffer = buffer;
        this.header = header;
        this.capacity = header.capacity();
        this.fileKey = fileKey;
        this.locks = locks;
    }

    /**
     * Once a mapped access has faulted, every later operation fails the same way before touching the
     * mapping again: the JVM reports a fault asynchronously ("in a recent unsafe memory access"), so a
     * second fault could surface outside any handler as a bare {@code InternalError}.
     */
    void checkMapped() {
        String problem = damage;
        if (problem != null) {
            throw new CorruptStorageException(file.toString(), problem);
        }
    }

    /** Whether a problem is latched: every operation now fails with it. */
    boolean latched() {
        return damage != null;
    }

    /**
     * A mapped access faulted (SIGBUS, which the JVM reports as {@code InternalError}): someone
     * truncated the file under the mapping. Reported as corruption naming the file.
     */
    CorruptStorageException truncated(InternalError fault) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            length = -1;
        }
        long expected = MailboxLayout.fileLength(capacity);
        if (length < 0 || length >= expected) {
            // The file is whole (or gone, which leaves the mapping valid): the JVM reported, late, a
            // fault on another mapping while this one ran. Not latched: this file is intact.
            return new CorruptStorageException(file.toString(), "mapping fault reported while this file is intact"
                    + " (a late report of a fault on another mapping): length=" + length + " expected=" + expected, fault);
        }
        return latchTruncation(length, fault);
    }

    /** Latches a truncation to {@code length} bytes: this and every later operation fails with it. */
    CorruptStorageException latchTruncation(long length, InternalError fault) {
        String problem = "file truncated while mapped: length=" + length + " expected=" + MailboxLayout.fileLength(capacity);
        damage = problem;
        return new CorruptStorageException(file.toString(), problem, fault);
    }

    /** Latches a problem: this and every later operation fails with it. */
    CorruptStorageException corrupt(String problem) {
        if (damage == null) {
            damage = problem;
            LOG.error("channel file is damaged: channel={} problem={} file={}", name, problem, file);
        }
        return new CorruptStorageException(file.toString(), problem);
    }

    /**
     * Looks at the shared words a peer could have damaged: the fixed header fields and the counters.
     * Off the hot path only (an idle or stuck receiver, a sender that finds no room, a count).
     */
    void checkShared() {
        String problem = MailboxDamage.header(buffer, header);
        if (problem != null) {
            throw corrupt(problem);
        }
        // a consistent pair: the head read while the tail stood still (both only grow)
        for (int attempt = 0; attempt < 8; attempt++) {
            long tail = tailPosition();
            long head = (long) LONGS.getVolatile(buffer, HEAD_OFFSET);
            if (tailPosition() == tail) {
                problem = MailboxDamage.counters(head, tail, capacity);
                if (problem != null) {
                    throw corrupt(problem);
                }
                return;
            }
        }
    }

    private long tailPosition() {
        checkMapped();
        return (long) LONGS.getVolatile(buffer, TAIL_OFFSET) & ~MailboxLayout.CLOSED_BIT;
    }

    /**
     * A head that stays stuck may sit on pages a peer cut off by truncating the file: reads there
     * fault, and the JVM may report that only later. So a stuck head is a reason to look at the
     * file's length (one system call per stuck position).
     */
    void checkLength() {
        long length = locks.size();
        if (length < MailboxLayout.fileLength(capacity)) {
            throw latchTruncation(length, null);
        }
    }

    /**
     * The file's length by its path (a {@code stat}, no descriptor, no I/O thread): cheap enough for
     * a sender that waited. Only the file this mailbox mapped counts; if the name now refers to
     * another file (deleted and re-created), or to none, the mapping is intact and nothing is said.
     */
    void checkPathLength() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return;
        }
        if (attributes.size() < MailboxLayout.fileLength(capacity) && fileKey != null
                && fileKey.equals(attributes.fileKey())) {
            throw latchTruncation(attributes.size(), null);
        }
    }
}
