package io.litecomm.mapped.store;

import java.lang.ref.WeakReference;
import java.nio.MappedByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mappings of page files that have been replaced. Java 17 cannot unmap: a mapping goes when the
 * garbage collector finds its buffer unreachable, and until then the replaced file's memory (RAM,
 * in {@code /dev/shm}) stays allocated. litecomm drops every reference to a replaced mapping; this
 * class watches them through weak references and, when more than {@link #MAX_MAPPINGS} of them or
 * more than {@link #MAX_BYTES} bytes are still mapped, asks for a collection ({@code System.gc()}),
 * as the JDK itself does when direct memory runs out.
 */
final class RetiredMappings {

    /** Most replaced mappings a process keeps before it asks for a collection. */
    static final int MAX_MAPPINGS = 64;
    /** Most bytes of replaced mappings a process keeps before it asks for a collection. */
    static final long MAX_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(RetiredMappings.class);

    private final List<Entry> entries = new ArrayList<>();

    private record Entry(WeakReference<MappedByteBuffer> mapping, long bytes) {
    }

    /**
     * Records a mapping no longer used.
     *
     * @param mapping the replaced file's mapping, to which the caller keeps no reference
     */
    synchronized void retire(MappedByteBuffer mapping) {
        entries.add(new Entry(new WeakReference<>(mapping), mapping.capacity()));
        if (purge() > MAX_BYTES || entries.size() > MAX_MAPPINGS) {
            LOG.debug("replaced shared-memory mappings still mapped: count={} bytes={}; requesting a collection",
                    entries.size(), mapped());
            System.gc();
            purge();
        }
    }

    /**
     * Replaced mappings not yet collected.
     *
     * @return the count
     */
    synchronized int stillMapped() {
        purge();
        return entries.size();
    }

    private long purge() {
        entries.removeIf(e -> e.mapping().get() == null);
        return mapped();
    }

    private long mapped() {
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.bytes();
        }
        return bytes;
    }
}
