package io.litecomm.cli;

import static io.litecomm.mapped.inspect.PubSubLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_HEADER_LENGTH;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.FormatCheck;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks the pub/sub ring {@code pubsub.ring} ({@code docs/FORMAT.md} section 10) read-only: the
 * header and counters, then the chain of records that ends at the tail (from position 0 while the
 * ring has not wrapped; after that, from the oldest intact record), with consecutive sequence
 * numbers, UTF-8 topics and JSON payloads. Publishers are kept out while it reads.
 */
final class PubSubCheck {

    private static final int MAX_STARTS = 64;

    private final ObjectMapper mapper = new ObjectMapper();
    private ByteBuffer ring;
    private int capacity;
    private int maxPayload;
    private long tail;
    private long nextSequence;
    private int messages;

    static FileReport check(Path file) {
        FileReport report = new FileReport(file, "pub/sub ring");
        if (!report.checkAttributes()) {
            return report;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size < HEADER_LENGTH) {
                return report.problem((size == 0 ? "empty file" : "truncated header") + ": length=" + size);
            }
            if (size > HEADER_LENGTH + (1L << 30)) {
                return report.problem("wrong length: length=" + size);
            }
            var lock = report.lockOutWriters(channel, FileLocks.WRITER_LOCK);
            try {
                ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
                new PubSubCheck().check(map, size, report);
            } finally {
                if (lock != null) {
                    lock.release();
                }
            }
        } catch (IOException e) {
            report.problem("cannot read: " + e);
        }
        return report;
    }

    private void check(ByteBuffer b, long size, FileReport report) {
        String problem = header(b, size);
        if (problem == null) {
            problem = counters(b, report);
        }
        if (problem == null && tail > 0) {
            problem = records();
        }
        if (problem != null) {
            report.problem(problem);
            return;
        }
        report.summary("capacity " + capacity + ", " + messages + (messages == 1 ? " message" : " messages")
                + " in the ring, next sequence " + nextSequence);
    }

    private String header(ByteBuffer b, long size) {
        try {
            FormatCheck.magicAndVersion(b, PubSubLayout.MAGIC, PubSubLayout.FORMAT_MAJOR, "");
        } catch (CorruptStorageException e) {
            return e.problem();
        }
        int headerLength = b.getInt(PubSubLayout.HEADER_LENGTH_OFFSET);
        capacity = b.getInt(PubSubLayout.CAPACITY_OFFSET);
        maxPayload = b.getInt(PubSubLayout.MAX_PAYLOAD_OFFSET);
        if (headerLength != HEADER_LENGTH || capacity < 4096 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1
                || size != (long) HEADER_LENGTH + capacity || maxPayload < 0
                || maxPayload > PubSubLayout.maxPayloadFor(capacity)) {
            return "impossible header: headerLength=" + headerLength + " capacity=" + capacity + " maxPayload=" + maxPayload
                    + " length=" + size;
        }
        ring = b.slice(HEADER_LENGTH, capacity).order(ByteOrder.LITTLE_ENDIAN);
        return null;
    }

    private String counters(ByteBuffer b, FileReport report) {
        long claim = b.getLong(PubSubLayout.CLAIM_OFFSET);
        tail = b.getLong(PubSubLayout.TAIL_OFFSET);
        nextSequence = b.getLong(PubSubLayout.NEXT_SEQUENCE_OFFSET);
        if (tail < 0 || (tail & 7) != 0 || claim < tail || claim - tail > capacity || nextSequence < 0) {
            return "impossible counters: claim=" + claim + " tail=" + tail + " nextSequence=" + nextSequence
                    + " capacity=" + capacity;
        }
        if (claim > tail) {
            report.note("a publisher stopped while writing a record (claim=" + claim + " tail=" + tail
                    + "); the next publish writes over it");
        }
        return null;
    }

    /** Finds the chain of records that ends exactly at the tail; the first problem if there is none. */
    private String records() {
        if (tail <= capacity) {
            return chain(0);
        }
        String first = null;
        int starts = 0;
        for (long position = tail - capacity; position < tail && starts < MAX_STARTS; position += 8) {
            if (ring.getLong((int) (position & (capacity - 1))) != position + 1) {
                continue;
            }
            starts++;
            String problem = chain(position);
            if (problem == null) {
                return null;
            }
            first = first == null ? problem : first;
        }
        return "no chain of records reaches the tail: " + (first == null ? "no record found" : first);
    }

    /** Walks records from {@code start} to the tail; returns the first problem, or null. */
    private String chain(long start) {
        messages = 0;
        long position = start;
        long lastSequence = -1;
        while (position < tail) {
            int offset = (int) (position & (capacity - 1));
            if (offset + RECORD_HEADER_LENGTH > capacity) {
                return "record header crosses the ring's end: position=" + position;
            }
            long tag = ring.getLong(offset + PubSubLayout.RECORD_TAG_OFFSET);
            int length = ring.getInt(offset + PubSubLayout.RECORD_LENGTH_OFFSET);
            int topicLength = ring.getInt(offset + PubSubLayout.RECORD_TOPIC_LENGTH_OFFSET);
            long sequence = ring.getLong(offset + PubSubLayout.RECORD_SEQUENCE_OFFSET);
            if (tag != position + 1) {
                return "bad tag: position=" + position + " tag=" + tag;
            }
            if (topicLength == PubSubLayout.PADDING) {
                if (length < 0 || offset + (long) RECORD_HEADER_LENGTH + length != capacity) {
                    return "impossible padding: position=" + position + " length=" + length;
                }
                position += RECORD_HEADER_LENGTH + length;
                continue;
            }
            long frame = PubSubLayout.frameLength(Math.max(0, topicLength), Math.max(0, length));
            if (topicLength < 0 || length < 0 || length > maxPayload || topicLength > maxPayload || offset + frame > capacity) {
                return "impossible record: position=" + position + " length=" + length + " topicLength=" + topicLength;
            }
            if (lastSequence >= 0 && sequence != lastSequence + 1) {
                return "sequence out of order: position=" + position + " sequence=" + sequence
                        + " expected=" + (lastSequence + 1);
            }
            String content = content(offset, topicLength, length);
            if (content != null) {
                return content + ": position=" + position + " sequence=" + sequence;
            }
            lastSequence = sequence;
            messages++;
            position += frame;
        }
        if (position != tail) {
            return "records overrun the tail: end=" + position + " tail=" + tail;
        }
        if (lastSequence >= 0 && lastSequence != nextSequence - 1) {
            return "next sequence does not follow the last record: last=" + lastSequence + " next=" + nextSequence;
        }
        return null;
    }

    /** Checks a record's topic is UTF-8 and its payload JSON; returns the problem, or null. */
    private String content(int offset, int topicLength, int length) {
        byte[] topic = new byte[topicLength];
        byte[] payload = new byte[length];
        ring.get(offset + RECORD_HEADER_LENGTH, topic);
        ring.get(offset + RECORD_HEADER_LENGTH + topicLength, payload);
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(topic));
        } catch (CharacterCodingException e) {
            return "topic is not UTF-8";
        }
        try {
            mapper.readTree(payload);
        } catch (IOException e) {
            return "payload is not JSON";
        }
        return null;
    }
}
