package io.litecomm.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shared countdown of a {@link FaultyFileSystemProvider}: every file-system operation of a
 * counted kind calls {@link #check}, which counts it and throws an {@link InjectedFault} when it is
 * the chosen one (SQLite's {@code sqlite3_io_error_hit}). Thread-safe: the library does its
 * channel I/O on a pool thread.
 */
final class FaultPlan {

    /** What an operation does, as far as fault injection is concerned. */
    enum Kind {
        /** Creating or opening a file or directory: newFileChannel, newByteChannel, createDirectory, createLink, move. */
        OPEN,
        /** {@code FileChannel.map}. */
        MAP,
        /** {@code FileChannel.lock} and {@code tryLock}. */
        LOCK,
        /** Writes: write, truncate, force, transferFrom, setAttribute, permission, owner and time changes. */
        WRITE,
        /** Metadata reads: readAttributes, checkAccess, newDirectoryStream (not one of the four of RELIABILITY #10). */
        STAT,
        /** Deleting a file (not one of the four of RELIABILITY #10). */
        DELETE
    }

    /** The four kinds RELIABILITY #10 names. */
    static final Set<Kind> IO_KINDS = EnumSet.of(Kind.OPEN, Kind.MAP, Kind.LOCK, Kind.WRITE);

    private final Set<Kind> armed;
    private final long failAt;
    private final boolean persistent;
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private final List<String> trace = new ArrayList<>();
    private final List<String> injected = new ArrayList<>();
    private long armedSeen;
    private boolean enabled = true;

    private FaultPlan(Set<Kind> armed, long failAt, boolean persistent) {
        this.armed = armed.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(armed);
        this.failAt = failAt;
        this.persistent = persistent;
    }

    /**
     * A plan that only counts.
     *
     * @return the plan
     */
    static FaultPlan counting() {
        return new FaultPlan(Set.of(), Long.MAX_VALUE, false);
    }

    /**
     * A plan that fails the {@code n}th operation of the armed kinds (counting from 1), and every
     * later one too if {@code persistent}.
     *
     * @param armed kinds that count towards {@code n} and may fail
     * @param n which one fails
     * @param persistent whether every later one fails as well
     * @return the plan
     */
    static FaultPlan failing(Set<Kind> armed, long n, boolean persistent) {
        return new FaultPlan(armed, n, persistent);
    }

    /**
     * Counts an operation and fails it if it is the chosen one.
     *
     * @param kind what it is
     * @param what the operation and its file, for the trace and the fault's message
     * @throws InjectedFault if this operation is to fail
     */
    synchronized void check(Kind kind, String what) throws InjectedFault {
        if (!enabled) {
            return;
        }
        counts.merge(kind, 1, Integer::sum);
        trace.add(kind + " " + what);
        if (!armed.contains(kind)) {
            return;
        }
        long index = ++armedSeen;
        if (index == failAt || persistent && index > failAt) {
            String description = "injected fault #" + index + " (" + kind + " " + what + ")";
            injected.add(description + " on " + Thread.currentThread().getName());
            throw new InjectedFault(description);
        }
    }

    /** Stops counting and injecting: what follows is cleanup or verification. */
    synchronized void disable() {
        enabled = false;
    }

    /**
     * Operations of each kind seen so far.
     *
     * @return kind to count
     */
    synchronized Map<Kind, Integer> counts() {
        Map<Kind, Integer> copy = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            copy.put(kind, counts.getOrDefault(kind, 0));
        }
        return copy;
    }

    /**
     * Every operation seen, in order.
     *
     * @return kind and description per operation
     */
    synchronized List<String> trace() {
        return List.copyOf(trace);
    }

    /**
     * The faults injected so far.
     *
     * @return their descriptions
     */
    synchronized List<String> injected() {
        return List.copyOf(injected);
    }

    /**
     * Operations of the armed kinds seen so far.
     *
     * @return the count
     */
    synchronized long armedSeen() {
        return armedSeen;
    }

    /** The I/O error a plan injects; its message starts with "injected fault #". */
    static final class InjectedFault extends IOException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }
}
