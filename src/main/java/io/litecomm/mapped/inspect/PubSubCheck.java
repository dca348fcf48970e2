package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_ALIGNMENT;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.codec.JsonSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks the pub/sub ring {@code pubsub.ring} ({@code docs/FORMAT.md} section 10) read-only,
 * with the ring's own rules ({@link PubSubFrames}): the header and counters, then the chain of
 * frames that ends at the tail (from position 0 while the ring has not wrapped; after that, from
 * the oldest intact frame), with consecutive sequence numbers, UTF-8 topics and JSON payloads.
 * Publishers are kept out while it reads.
 */
public final class PubSubCheck {

    private static final int MAX_STARTS = 64;
    private static final long WRITER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ObjectMapper mapper = JsonSupport.mapper();
    private ByteBuffer file;
    private PubSubFrames.Header header;
    private long tail;
    private long nextSequence;
    private int messages;

    private PubSubCheck() {
    }

    /**
     * Checks a ring file.
     *
     * @param path the file
     * @param report receives problems, notes and the summary
     */
    public static void check(Path path, Findings report) {
        try (InspectedFile opened = InspectedFile.open(path)) {
            long size = opened.size();
            PubSubFrames.checkLength(size, path.toString());
            InspectedFile.WriterLock lock = opened.lockOutWriters(WRITER_WAIT_NANOS);
            if (lock == null) {
                report.note(StoragePageCheck.WRITER_HELD);
            }
            try {
                new PubSubCheck().check(opened.map(size), size, path.toString(), report);
            } finally {
                if (lock != null) {
                    lock.close();
                }
            }
        } catch (CorruptFormatException e) {
            report.problem(e.problem());
        } catch (IOException e) {
            report.problem("cannot read: " + e);
        }
    }

    private void check(ByteBuffer b, long size, String where, Findings report) {
        file = b;
        header = PubSubFrames.checkHeader(b, size, where);
        long claim = b.getLong(PubSubLayout.CLAIM_OFFSET);
        tail = b.getLong(PubSubLayout.TAIL_OFFSET);
        nextSequence = b.getLong(PubSubLayout.NEXT_SEQUENCE_OFFSET);
        String problem = PubSubFrames.countersProblem(claim, tail, nextSequence, header.capacity());
        if (problem == null && claim > tail) {
            report.note("a publisher stopped while writing a record (claim=" + claim + " tail=" + tail
                    + "); the next publish writes over it");
        }
        if (problem == null && tail > 0) {
            problem = records();
        }
        if (problem != null) {
            report.problem(problem);
            return;
        }
        report.summary("capacity " + header.capacity() + ", " + messages + (messages == 1 ? " message" : " messages")
                + " in the ring, next sequence " + nextSequence);
    }

    /** Finds the chain of frames that ends exactly at the tail; the first problem if there is none. */
    private String records() {
        int capacity = header.capacity();
        if (tail <= capacity) {
            return chain(0);
        }
        String first = null;
        int starts = 0;
        for (long position = tail - capacity; position < tail && starts < MAX_STARTS; position += RECORD_ALIGNMENT) {
            if (PubSubFrames.frame(file, position, header).tag() != position + 1) {
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

    /** Walks frames from {@code start} to the tail; returns the first problem, or null. */
    private String chain(long start) {
        messages = 0;
        long position = start;
        long lastSequence = -1;
        while (position < tail) {
            PubSubFrames.Frame frame = PubSubFrames.frame(file, position, header);
            if (frame.tag() != position + 1) {
                return "bad tag: position=" + position + " tag=" + frame.tag();
            }
            if (!frame.sane()) {
                return (frame.padding() ? "impossible padding: position=" + position + " length=" + frame.length()
                        : "impossible record: position=" + position + " length=" + frame.length() + " topicLength="
                        + frame.topicLength());
            }
            if (!frame.padding()) {
                if (lastSequence >= 0 && frame.sequence() != lastSequence + 1) {
                    return "sequence out of order: position=" + position + " sequence=" + frame.sequence()
                            + " expected=" + (lastSequence + 1);
                }
                String content = content(frame);
                if (content != null) {
                    return content + ": position=" + position + " sequence=" + frame.sequence();
                }
                lastSequence = frame.sequence();
                messages++;
            }
            position = frame.next();
        }
        if (position != tail) {
            return "records overrun the tail: end=" + position + " tail=" + tail;
        }
        if (lastSequence >= 0 && lastSequence != nextSequence - 1) {
            return "next sequence does not follow the last record: last=" + lastSequence + " next=" + nextSequence;
        }
        return null;
    }

    /** Checks a frame's topic is UTF-8 and its payload JSON; returns the problem, or null. */
    private String content(PubSubFrames.Frame frame) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(PubSubFrames.topic(file, frame, header)));
        } catch (CharacterCodingException e) {
            return "topic is not UTF-8";
        }
        try {
            mapper.readTree(PubSubFrames.payload(file, frame, header));
        } catch (IOException e) {
            return "payload is not JSON";
        }
        return null;
    }
}
