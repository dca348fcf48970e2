package io.litecomm.mapped.mailbox;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.DomainFiles;
import io.litecomm.mapped.inspect.MailboxFile;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * The channels of a mapped domain: one mailbox file {@code <name>.chan} per queue in the domain
 * directory. The domain's {@code MappedTransport} holds one and adds the shared store.
 *
 * <p>A mapping outlives the {@code FileChannel} it came from, so files are closed right after
 * mapping: no descriptor is held per queue and no {@code FileLock} of another user of the file in
 * this JVM can be dropped by closing one.
 */
public final class MailboxTransport implements AutoCloseable {

    /** File name suffix of mailbox files. */
    public static final String SUFFIX = io.litecomm.mapped.inspect.DomainFiles.CHANNEL_SUFFIX;

    /** Default recovery bound. */
    public static final java.time.Duration DEFAULT_RECOVERY = java.time.Duration.ofSeconds(2);

    private final DomainDirectory domain;
    private final long recoveryNanos;
    private final MailboxWaits waits;
    /** Doorbells this object made itself (and so closes), or {@code null} when they are its owner's. */
    private final Doorbells ownBells;

    /**
     * Opens the mailboxes of a domain, with their own doorbells and the default recovery bound.
     *
     * @param domain the domain directory
     */
    public MailboxTransport(DomainDirectory domain) {
        this(domain, DEFAULT_RECOVERY);
    }

    /**
     * Opens the mailboxes of a domain with a recovery bound, with their own doorbells.
     *
     * @param domain the domain directory
     * @param recovery how long a consumer waits on a claimed but uncommitted record before it
     *     checks whether the claimant died (and, if so, skips the claim); zero never recovers
     */
    public MailboxTransport(DomainDirectory domain, java.time.Duration recovery) {
        this(domain, recovery, new Doorbells(domain.path()), true, 1_000_000L);
    }

    /**
     * Opens the mailboxes of a domain.
     *
     * @param domain the domain directory
     * @param recovery the recovery bound (see above)
     * @param doorbells the domain's doorbells, closed by the caller
     * @param maxParkNanos the longest park of a waiting caller
     */
    public MailboxTransport(DomainDirectory domain, java.time.Duration recovery, Doorbells doorbells, long maxParkNanos) {
        this(domain, recovery, doorbells, false, maxParkNanos);
    }

    private MailboxTransport(DomainDirectory domain, java.time.Duration recovery, Doorbells doorbells, boolean own,
            long maxParkNanos) {
        this.domain = domain;
        this.recoveryNanos = recovery.toNanos();
        this.waits = new MailboxWaits(doorbells, maxParkNanos);
        this.ownBells = own ? doorbells : null;
    }

    /**
     * The waits of this domain's mailboxes.
     *
     * @return the waits
     */
    public MailboxWaits waits() {
        return waits;
    }

    /**
     * The file of a queue.
     *
     * @param name queue name
     * @return its path
     */
    public Path fileOf(String name) {
        return domain.path().resolve(name + SUFFIX);
    }

    /**
     * Opens a mailbox, creating its file with {@code spec} if absent (see {@code Transport}).
     *
     * @param name queue name, already validated
     * @param spec how to create it
     * @return the mailbox
     */
    public MessageQueue openOrCreate(String name, QueueSpec spec) {
        MailboxFile.checkSpec(spec);
        Path file = fileOf(name);
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<MessageQueue> existing = openExisting(name);
            if (existing.isPresent()) {
                return existing.get();
            }
            domain.withLock(() -> domain.createAtomically(file, MailboxLayout.fileLength(spec.capacity()),
                    channel -> MailboxFile.writeHeader(channel, spec)));
        }
        throw new TransportException("cannot open or create mailbox: file=" + file
                + " reason=it kept disappearing (deleted concurrently)");
    }

    /**
     * Opens an existing mailbox.
     *
     * @param name queue name, already validated
     * @return the mailbox, or empty if its file does not exist
     */
    public Optional<MessageQueue> openExisting(String name) {
        Path file = fileOf(name);
        try {
            domain.checkFile(file);
            return Optional.of(map(name, file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Maps and validates a mailbox file.
     *
     * @param name queue name
     * @param file the file
     * @return the mailbox
     * @throws NoSuchFileException if the file vanished
     */
    Mailbox map(String name, Path file) throws NoSuchFileException {
        FileLocks.Handle locks;
        try {
            locks = FileLocks.open(domain, file);
        } catch (TransportException e) {
            if (e.getCause() instanceof NoSuchFileException missing) {
                throw missing;
            }
            throw e;
        }
        try {
            // every access goes through this JVM's one channel to the file: closing another channel
            // would drop the producer-slot locks this JVM holds on it
            long length = locks.size();
            ByteBuffer headerBytes = ByteBuffer.allocate((int) Math.min(length, MailboxLayout.HEADER_LENGTH));
            locks.read(headerBytes, 0);
            MailboxFile.validate(headerBytes, length, file);
            MappedByteBuffer buffer = locks.map(length);
            MailboxHeader header = MailboxFile.validate(buffer, length, file);
            Object fileKey = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new Mailbox(name, file, buffer, header, fileKey, locks, new Mailbox.Shared(domain, waits, recoveryNanos));
        } catch (IOException e) {
            locks.close();
            throw new TransportException("cannot map mailbox: file=" + file + " cause=" + e, e);
        } catch (RuntimeException e) {
            locks.close();
            throw e;
        }
    }

    /**
     * Names of every mailbox file in the domain.
     *
     * @return the names, sorted
     */
    public List<String> list() {
        try {
            return DomainFiles.channelNames(domain.path());
        } catch (IOException e) {
            throw new TransportException("cannot list domain: dir=" + domain.path() + " cause=" + e, e);
        }
    }

    /**
     * Closes a mailbox for everybody and removes its file.
     *
     * @param name queue name
     * @return {@code true} if it existed
     */
    public boolean delete(String name) {
        Path file = fileOf(name);
        return domain.withLock(() -> {
            try {
                try {
                    openExisting(name).ifPresent(queue -> {
                        queue.close();
                        queue.release();
                    });
                } catch (CorruptStorageException corrupt) {
                    // a damaged file is removed all the same: that is how a user recovers the name
                }
                return Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new TransportException("cannot delete mailbox: file=" + file + " cause=" + e, e);
            }
        });
    }

    /** Ends every wait on these mailboxes (and closes the doorbells if they are this object's own). */
    @Override
    public void close() {
        // mappings are released by the garbage collector; nothing else is held open
        waits.close();
        if (ownBells != null) {
            ownBells.close();
        }
    }
}
