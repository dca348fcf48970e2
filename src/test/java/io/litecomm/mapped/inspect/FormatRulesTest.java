package io.litecomm.mapped.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The rules the transport and {@code litecomm check} share, one definition each. */
class FormatRulesTest {

    @Test
    void aPubSubPositionIsNeverNegativeAnd32ByteAligned() {
        assertTrue(PubSubFrames.isPosition(0));
        assertTrue(PubSubFrames.isPosition(64));
        assertFalse(PubSubFrames.isPosition(72), "8-aligned is not enough");
        assertFalse(PubSubFrames.isPosition(-32));
        assertNull(PubSubFrames.countersProblem(96, 64, 2, 4096));
        assertEquals("impossible counters: claim=72 tail=72 nextSequence=2 capacity=4096",
                PubSubFrames.countersProblem(72, 72, 2, 4096));
        assertTrue(PubSubFrames.countersProblem(32, 64, 2, 4096).startsWith("impossible counters"), "claim before tail");
    }

    @Test
    void aPubSubHeaderIsCheckedAgainstTheFileLength() {
        ByteBuffer file = ByteBuffer.allocate(PubSubLayout.HEADER_LENGTH + 4096).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(PubSubLayout.MAGIC_OFFSET, PubSubLayout.MAGIC);
        file.putInt(PubSubLayout.VERSION_WORD_OFFSET, PubSubLayout.FORMAT_MAJOR << 16);
        file.putInt(PubSubLayout.HEADER_LENGTH_OFFSET, PubSubLayout.HEADER_LENGTH);
        file.putInt(PubSubLayout.CAPACITY_OFFSET, 4096);
        file.putInt(PubSubLayout.MAX_PAYLOAD_OFFSET, 1024);
        assertEquals(new PubSubFrames.Header(4096, 1024), PubSubFrames.checkHeader(file, file.capacity(), "ring"));
        CorruptFormatException short1 = assertThrows(CorruptFormatException.class,
                () -> PubSubFrames.checkHeader(file, file.capacity() - 4096, "ring"));
        assertTrue(short1.problem().startsWith("impossible header:"), short1.getMessage());
        assertEquals("ring", short1.location());
        assertThrows(CorruptFormatException.class, () -> PubSubFrames.checkLength(100, "ring"));
    }

    @Test
    void aStorageSlotWhoseOffsetPlusLengthWrapsIsImpossible() {
        long fileLength = 4096 + 2 * 65536;
        assertNull(StoragePageFile.slotProblem(0, true, 4096, 65536, 72, fileLength, fileLength));
        assertNull(StoragePageFile.slotProblem(1, false, 4096 + 65536, 65536, 0, fileLength, fileLength),
                "an inactive slot may be empty");
        String wrapped = StoragePageFile.slotProblem(0, true, 4096, Long.MAX_VALUE - 100, 72, fileLength, fileLength);
        assertTrue(wrapped != null && wrapped.startsWith("impossible slot: slot=0 offset=4096"), wrapped);
        assertTrue(StoragePageFile.slotProblem(0, true, Long.MAX_VALUE - 10, 100, 72, fileLength, fileLength) != null);
        assertTrue(StoragePageFile.slotProblem(0, true, 4096, 65536, 8, fileLength, fileLength) != null,
                "an active slot holds at least its snapshot's record header");
        assertTrue(StoragePageFile.slotProblem(0, true, 4096, 65536, 72, fileLength, fileLength - 1) != null,
                "the file is shorter than its header says");
    }

    @Test
    void aMailboxRecordFitsTheRingByTheRulesOfItsType() {
        int capacity = 4096;
        assertEquals(32, MailboxRecords.nextPosition(MailboxLayout.TYPE_MESSAGE, 0, 5, 1024, capacity));
        assertEquals(-1, MailboxRecords.nextPosition(MailboxLayout.TYPE_MESSAGE, 0, 1025, 1024, capacity), "too long");
        assertEquals(-1, MailboxRecords.nextPosition(MailboxLayout.TYPE_MESSAGE, 4064, 100, 1024, capacity),
                "runs past the ring's end");
        assertEquals(4096, MailboxRecords.nextPosition(MailboxLayout.TYPE_PADDING, 4064,
                32 - MailboxLayout.RECORD_HEADER_LENGTH, 1024, capacity));
        assertEquals(-1, MailboxRecords.nextPosition(MailboxLayout.TYPE_PADDING, 0, 8, 1024, capacity), "not a multiple of 16");
        assertEquals(-1, MailboxRecords.nextPosition(MailboxLayout.TYPE_MESSAGE, 0, -1, 1024, capacity));
    }
}
