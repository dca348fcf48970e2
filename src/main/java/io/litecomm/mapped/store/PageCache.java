package io.litecomm.mapped.store;

import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;

import io.litecomm.mapped.inspect.StorageLog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process's copy of the shared-memory page: the store's keys and values, the log position it
 * was read up to (generation and log end of the active slot), and the version. Readers use it
 * without a lock; {@link StoragePage} changes it under its refresh lock, and {@link PageWriter}
 * under the page's writer lock too.
 */
final class PageCache {

    /** Key to JSON-native value ({@link NullValue} for a JSON null). */
    volatile Map<String, Object> data = new ConcurrentHashMap<>();
    /** Encoded size of each key's last SET frame, where known (keys read from a snapshot are not). */
    volatile Map<String, Integer> sizes = new ConcurrentHashMap<>();
    /** Generation the cache was read at; -1 before the first read, or when the file is not to be trusted. */
    volatile long generation = -1;
    /** Log end of the active slot the cache was read up to. */
    volatile long end = -1;
    /** Version of the last change applied. */
    volatile long version;

    /**
     * Whether the cache is what the page holds at this generation and log end.
     *
     * @param pageGeneration the page's generation
     * @param pageEnd the active slot's log end
     * @return {@code true} if nothing moved
     */
    boolean fresh(long pageGeneration, long pageEnd) {
        return pageGeneration == generation && pageEnd == end;
    }

    /** A change read from the page, applied to a map and its sizes; returns the record's version. */
    @FunctionalInterface
    interface Change {
        long apply(Map<String, Object> target, Map<String, Integer> targetSizes);
    }

    /** Placeholder for a JSON null stored under a key (a concurrent map holds no nulls). */
    enum NullValue {
        /** The one instance. */
        INSTANCE
    }

    /**
     * A decoded record as a change of a cache.
     *
     * @param change the record, decoded by {@link StorageLog}
     * @return the change
     */
    static Change changeOf(StorageLog.Change change) {
        long recordVersion = change.version();
        if (change.type() == TYPE_SNAPSHOT) {
            Map<String, Object> map = change.snapshot();
            return (target, targetSizes) -> {
                target.clear();
                targetSizes.clear();
                map.forEach((k, v) -> putValue(target, k, v));
                return recordVersion;
            };
        }
        String key = change.key();
        if (change.type() == TYPE_SET) {
            Object value = change.value();
            int frame = change.frame();
            return (target, targetSizes) -> {
                putValue(target, key, value);
                targetSizes.put(key, frame);
                return recordVersion;
            };
        }
        return (target, targetSizes) -> {
            target.remove(key);
            targetSizes.remove(key);
            return recordVersion;
        };
    }

    static Object external(Object stored) {
        return stored == NullValue.INSTANCE ? null : JsonValues.copy(stored);
    }

    static void putValue(Map<String, Object> target, String key, Object value) {
        if (value == null) {
            target.put(key, NullValue.INSTANCE);
        } else {
            target.put(key, value);
        }
    }
}
