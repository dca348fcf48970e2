package io.litecomm.mapped.store;

import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Child JVM roles for {@link SharedMemoryCrossProcessTest}: {@code args[0]} is the role,
 * {@code args[1]} the domain directory, the rest the role's arguments. Status lines go to standard
 * output, bulk results to files named by the test. A child halts when its standard input reaches end
 * of file, so a dead test JVM leaves no child behind.
 */
public final class SharedMemoryChild {

    /** Ring capacity of the lapped-subscriber role (and its test). */
    static final int SMALL_RING = 4096;
    /** Keys the writer role cycles through. */
    static final int WRITER_KEYS = 64;
    /** The end-of-stream marker of the subscriber role. */
    static final int END = -1;

    /** How long the quiet lapped subscriber waits for its loss to be counted. */
    static final Duration QUIET_WAIT = Duration.ofSeconds(3);

    private static final Duration WAIT = Duration.ofSeconds(60);

    private SharedMemoryChild() {
    }

    public static void main(String[] args) {
        ChildJvm.haltWhenParentGone();
        int code = 0;
        CommOptions options = "lapped".equals(args[0])
                ? CommOptions.builder().pubSubCapacity(SMALL_RING).build() : CommOptions.defaults();
        try (Comm comm = Comm.open(Path.of(args[1]), options)) {
            SharedMemory memory = "read".equals(args[0]) ? null : comm.sharedMemory();
            String[] rest = Arrays.copyOfRange(args, 2, args.length);
            switch (args[0]) {
                case "increment" -> increment(memory, rest);
                case "pong" -> pong(memory, rest);
                case "deleter" -> deleter(memory, rest);
                case "subscriber" -> subscriber(memory, rest);
                case "lapped" -> lapped(memory, rest);
                case "writer" -> writer(memory);
                case "read" -> read(comm);
                default -> throw new IllegalArgumentException("unknown role: " + args[0]);
            }
            System.out.println("ROLE-DONE " + args[0]);
        } catch (Throwable t) {
            System.out.println("ROLE-FAILED " + t);
            t.printStackTrace(System.out);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Polls a condition with a deadline (no sleeping on a guess). */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + WAIT + " waiting for " + what);
            }
            LockSupport.parkNanos(50_000);
        }
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("check failed: " + message);
        }
    }

    /** The value of round {@code i} of the ping-pong: grows and shrinks, so slots compact and grow. */
    static Map<String, Object> roundValue(String side, int i) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("side", side);
        value.put("i", i);
        value.put("pad", pad(i, (i * 37) % 3000));
        return value;
    }

    /** The value the writer role stores in iteration {@code i}. */
    static Map<String, Object> writerValue(int i) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("i", i);
        value.put("pad", pad(i, (i * 131) % 4096));
        return value;
    }

    static String pad(int i, int length) {
        return String.valueOf((char) ('a' + i % 26)).repeat(length);
    }

    /** Args: id, count, result file. Waits for "go", then count increments; writes the values it got. */
    private static void increment(SharedMemory memory, String[] a) throws IOException {
        String id = a[0];
        int count = Integer.parseInt(a[1]);
        memory.set("ready-" + id, true);
        await(() -> memory.get("go") != null, "go");
        List<String> values = new ArrayList<>(count);
        long previous = 0;
        for (int i = 0; i < count; i++) {
            Object next = memory.update("counter", n -> n == null ? 1L : ((Number) n).longValue() + 1);
            long value = ((Number) next).longValue();
            check(value > previous, "update results must increase in one process: previous=" + previous + " got=" + value);
            previous = value;
            values.add(Long.toString(value));
        }
        Files.write(Path.of(a[2]), values);
    }

    /**
     * Args: rounds. Round i: waits until "turn" is "child:i", then one get of "p" must give the
     * parent's value i and one get of "c" its own value i-1; sets "c" then hands the turn back.
     */
    private static void pong(SharedMemory memory, String[] a) {
        int rounds = Integer.parseInt(a[0]);
        for (int i = 1; i <= rounds; i++) {
            String turn = "child:" + i;
            await(() -> turn.equals(memory.get("turn")), turn);
            Object p = memory.get("p");
            check(roundValue("parent", i).equals(p), "round " + i + ": stale p=" + abbreviate(p));
            Object c = memory.get("c");
            check(Objects.equals(i == 1 ? null : roundValue("child", i - 1), c), "round " + i + ": c=" + abbreviate(c));
            memory.set("c", roundValue("child", i));
            memory.set("turn", "parent:" + i);
        }
    }

    static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 120 ? text : text.substring(0, 120) + "...(" + text.length() + " chars)";
    }

    /**
     * Args: id, key count, "up" or "down", result file. Waits for "go", deletes k0..k(n-1) in that
     * order, checking after each that neither get nor getAll shows the key; writes the keys it won.
     */
    private static void deleter(SharedMemory memory, String[] a) throws IOException {
        String id = a[0];
        int keys = Integer.parseInt(a[1]);
        boolean up = "up".equals(a[2]);
        memory.set("ready-" + id, true);
        await(() -> memory.get("go") != null, "go");
        List<String> won = new ArrayList<>();
        for (int j = 0; j < keys; j++) {
            String key = "k" + (up ? j : keys - 1 - j);
            if (memory.delete(key)) {
                won.add(key);
            }
            check(memory.get(key) == null, "get after delete: " + key);
            check(!memory.getAll().containsKey(key), "getAll after delete still has " + key);
            check(!memory.delete(key), "second delete of " + key + " returned true");
        }
        Files.write(Path.of(a[3]), won);
    }

    /**
     * Args: id, result file. Subscribes to "t" and "noise", sets "ready-id", collects "t" until
     * {@link #END}; writes "missed=.. errors=.. noise=.." then the values, one a line.
     */
    private static void subscriber(SharedMemory memory, String[] a) throws IOException, InterruptedException {
        String id = a[0];
        List<String> got = new ArrayList<>();
        CountDownLatch end = new CountDownLatch(1);
        AtomicInteger noise = new AtomicInteger();
        memory.onSubscriberReceive("t", value -> {
            synchronized (got) {
                if (Integer.valueOf(END).equals(value)) {
                    end.countDown();
                } else {
                    got.add(String.valueOf(value));
                }
            }
        });
        memory.onSubscriberReceive("noise", value -> noise.incrementAndGet());
        memory.set("ready-" + id, true);
        check(end.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "end marker never arrived; got " + got.size());
        List<String> lines = new ArrayList<>();
        synchronized (got) {
            lines.add("missed=" + memory.missedMessages() + " errors=" + memory.handlerErrors() + " noise=" + noise.get());
            lines.addAll(got);
        }
        Files.write(Path.of(a[1]), lines);
    }

    /**
     * Args: data count m, mode. Subscribes to "t"; the handler blocks on message 0 until the parent
     * sets "release" (a latch with a deadline). Mode "markers": values above m are end markers, and on
     * the first one the handler sets "report" to what it received and missed up to there. Mode
     * "quiet": nothing follows the lap; the child waits (up to {@link #QUIET_WAIT}) for the loss to
     * show in missedMessages(), then reports.
     */
    private static void lapped(SharedMemory memory, String[] a) {
        int m = Integer.parseInt(a[0]);
        boolean quiet = "quiet".equals(a[1]);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> got = new ArrayList<>();
        AtomicBoolean reported = new AtomicBoolean();
        memory.onSubscriberReceive("t", value -> {
            int v = ((Number) value).intValue();
            synchronized (got) {
                got.add(v);
            }
            if (v == 0) {
                memory.set("blocked", true);
                try {
                    if (!release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        memory.set("report", Map.of("error", "never released"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    memory.set("report", Map.of("error", "interrupted"));
                }
            } else if (v > m && !quiet && reported.compareAndSet(false, true)) {
                report(memory, got, v);
            }
        });
        memory.set("ready", true);
        await(() -> memory.get("release") != null, "release");
        release.countDown();
        if (quiet) {
            long deadline = System.nanoTime() + QUIET_WAIT.toNanos();
            while (memory.missedMessages() == 0 && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000);
            }
            synchronized (got) {
                report(memory, got, got.isEmpty() ? -1 : got.get(got.size() - 1));
            }
        }
        await(() -> memory.get("report") != null, "report");
    }

    private static void report(SharedMemory memory, List<Integer> got, int last) {
        Map<String, Object> report = new LinkedHashMap<>();
        synchronized (got) {
            report.put("received", got.size());
            report.put("missed", memory.missedMessages());
            report.put("last", last);
            report.put("values", new ArrayList<>(got));
        }
        memory.set("report", report);
    }

    /** Reads the whole store, printing what happened: for pages too damaged to risk in the test JVM. */
    private static void read(Comm comm) {
        try {
            System.out.println("READ-OK " + comm.sharedMemory().getAll().size());
        } catch (CorruptFileException e) {
            System.out.println("CORRUPT file=" + e.file() + " message=" + e.getMessage());
        }
    }

    /**
     * Writes until killed: iteration i sets "k(i % 64)" to {@link #writerValue(int)} then increments
     * "count", so the committed version v fixes the whole store.
     */
    private static void writer(SharedMemory memory) {
        System.out.println("WRITING");
        for (int i = 0; ; i++) {
            memory.set("k" + (i % WRITER_KEYS), writerValue(i));
            memory.update("count", c -> c == null ? 1L : ((Number) c).longValue() + 1);
        }
    }
}
