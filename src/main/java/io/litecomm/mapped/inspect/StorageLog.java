package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the log of a shared-memory page slot as changes: the records ({@link StorageRecords}),
 * the version rule (each change has the version after the one before it; a damaged version, which
 * the payload's CRC does not cover, is a problem) and the decoding of each payload. The one reader
 * of a slot's meaning, for the page and for {@code litecomm check}.
 */
public final class StorageLog {

    private StorageLog() {
    }

    /**
     * One decoded record.
     *
     * @param type {@link StoragePageLayout#TYPE_SNAPSHOT}, {@code TYPE_SET} or {@code TYPE_DELETE}
     * @param version its version
     * @param key the key set or deleted ({@code null} for a snapshot)
     * @param value the value set (JSON-native, may be {@code null}); for a snapshot, the whole store as a map
     * @param frame bytes the record takes in the log
     */
    public record Change(int type, long version, String key, Object value, int frame) {
        /**
         * The store a snapshot holds.
         *
         * @return key to JSON-native value
         */
        @SuppressWarnings("unchecked")
        public Map<String, Object> snapshot() {
            return (Map<String, Object>) value;
        }
    }

    /**
     * Reads the records in [from, end) of a slot.
     *
     * @param mapper JSON mapper, default typing off
     * @param page the page, from offset 0
     * @param slotOffset the slot's offset in the page
     * @param from position of the first record (0: the slot's snapshot)
     * @param end the slot's log end
     * @param previous the version before {@code from} (ignored from 0)
     * @param out receives each change, in order
     * @return the first problem, or {@code null}
     */
    public static String read(ObjectMapper mapper, ByteBuffer page, long slotOffset, long from, long end, long previous,
            Consumer<Change> out) {
        long[] last = {previous};
        return StorageRecords.walk(page, slotOffset, from, end, (position, type, version, payload) -> {
            if (type == TYPE_SNAPSHOT ? version < 0 : version != last[0] + 1) {
                return "version out of sequence: position=" + position + " type=" + type + " version=" + version
                        + " previous=" + last[0];
            }
            last[0] = version;
            Change change = decode(mapper, type, version, payload);
            if (change == null) {
                return "undecodable record: position=" + position + " type=" + type;
            }
            out.accept(change);
            return null;
        });
    }

    /**
     * Decodes a record's payload: a snapshot is a JSON object; a SET is {@code {"k":key,"v":value}}
     * and always carries {@code "v"} ({@code null} included), a DELETE {@code {"k":key}} never does,
     * so a damaged type cannot turn one into the other.
     *
     * @param mapper JSON mapper
     * @param type the record's type
     * @param version its version
     * @param payload its payload
     * @return the change, or {@code null} if the payload does not decode as its type requires
     */
    public static Change decode(ObjectMapper mapper, int type, long version, byte[] payload) {
        Object parsed;
        try {
            parsed = mapper.readValue(payload, Object.class);
        } catch (IOException e) {
            return null;
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            return null;
        }
        int frame = StoragePageLayout.frameLength(payload.length);
        if (type == TYPE_SNAPSHOT) {
            return new Change(type, version, null, map, frame);
        }
        if (!(map.get("k") instanceof String key) || map.containsKey("v") != (type == TYPE_SET)) {
            return null;
        }
        return new Change(type, version, key, map.get("v"), frame);
    }
}
