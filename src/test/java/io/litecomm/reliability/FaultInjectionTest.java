package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.store.PubSubRing;
import io.litecomm.mapped.store.StoragePage;
import io.litecomm.reliability.FaultPlan.Kind;
import io.litecomm.reliability.FaultWorkload.ChannelState;
import io.litecomm.reliability.FaultWorkload.Context;
import io.litecomm.reliability.FaultWorkload.State;
import io.litecomm.reliability.FaultWorkload.Step;
import io.litecomm.spi.TransportException;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #10, countdown fault injection (SQLite's I/O-error tests): the library runs on a
 * domain path of a {@link FaultyFileSystemProvider} that fails the Nth open, map, lock or write
 * with an {@code IOException} (a failed write is torn: half its bytes land first), for N = 1, 2, …
 * until a run of the scripted workload ({@link FaultWorkload#compact()}: open, two channels with
 * sends and a receive, the shared memory with set, update, delete, two compactions that grow the
 * page, pub/sub, a channel closed, one deleted, close) completes without reaching N. No production
 * hooks: the library sees an ordinary {@code Path}.
 *
 * <p>Each run proves: the failure surfaced as a plain {@link CommException} that names a path of
 * the domain and carries the injected fault as its cause (not a {@code NullPointerException}, an
 * {@code IllegalStateException}, a {@link CorruptFileException} or a hang: the workload runs on its
 * own thread with a deadline). Transient faults (only the Nth fails): the same call, retried on a
 * new thread in the same {@code Comm}, succeeds, the rest of the workload too, and the domain then
 * holds exactly the workload's end state (the failed call committed nothing, left no in-JVM lock
 * held). Persistent faults (the Nth and every later one fail): the run stops, and a
 * default-file-system {@code Comm} on the same directory finds exactly the state before the failed
 * step or after it (no half-made channel or page, a failed send or set absent or whole; a failed
 * {@code delete} may leave the channel closed but present). Then: no temporary file is left, and
 * another faulty {@code Comm}, faults off, on a new thread, can still create, send, receive, set
 * and publish. After each run, no channel the provider handed out is still open (it keeps them all,
 * so the garbage collector cannot hide a leak), no descriptor of this JVM points into the domain,
 * and {@code /proc/locks} shows no lock of this process on a file the run opened. After all runs
 * the domains' mappings are gone once the garbage collector has run, and a child JVM takes an
 * exclusive lock on every file of every run.
 *
 * <p>Operations of the compact workload: 75 of the four kinds (19 opens, 7 maps, 22 locks, 27
 * writes), plus 30 metadata reads and 5 deletes. Short form (about 190 runs, 5 to 10 s): each of
 * the 75 failed transiently, then persistently, each metadata read and each delete transiently.
 * Long form ({@code -Dlitecomm.reliability.long=true}) adds, per round, the larger workload
 * ({@link FaultWorkload#large()}: a second {@code Comm}, 40 more sends, a third compaction, a
 * lapped pub/sub ring; 23 opens, 12 maps, about 95 locks, 31 writes, 53 metadata reads, 6
 * deletes) transient, persistent and with every kind armed, and each kind alone, persistent, on
 * both workloads: about 890 runs per round, {@code -Dlitecomm.reliability.faultRounds=N} rounds
 * (short 1, long 5).
 */
@Timeout(900)
class FaultInjectionTest {

    private static final int ROUNDS = ReliabilitySupport.count("litecomm.reliability.faultRounds", 1, 5);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<String> DOMAIN_FILES = Set.of(".lock", StoragePage.FILE_NAME, PubSubRing.FILE_NAME);

    @TempDir
    Path dir;

    /** What one sweep saw. */
    private static final class Tally {
        final String label;
        final Map<Kind, Integer> kinds;
        int runs;
        int faults;
        int absorbed;
        final Map<String, Integer> failedSteps = new TreeMap<>();
        final List<String> absorbedFaults = new ArrayList<>();
        final Map<String, String> examples = new TreeMap<>();

        Tally(String label, Map<Kind, Integer> kinds) {
            this.label = label;
            this.kinds = kinds;
        }

        @Override
        public String toString() {
            return label + ": runs=" + runs + " faults=" + faults + " absorbed=" + absorbed + " ops=" + kinds
                    + " failedSteps=" + failedSteps;
        }
    }

    /** The outcome of one run of the workload. */
    private record Run(String failedStep, Throwable failure, List<State> acceptable, Throwable afterFailure,
            Throwable closeFailure) {
    }

    @Test
    void everyFailedOperationOfTheCompactWorkloadIsClean() throws Exception {
        List<Step> steps = FaultWorkload.compact();
        Map<Kind, Integer> counts = count(steps, dir.resolve("count-a"));
        Map<Kind, Integer> again = count(steps, dir.resolve("count-b"));
        assertEquals(counts, again, "the compact workload's operations are not deterministic");
        int armed = counts.get(Kind.OPEN) + counts.get(Kind.MAP) + counts.get(Kind.LOCK) + counts.get(Kind.WRITE);
        long start = System.nanoTime();
        List<Tally> tallies = new ArrayList<>();
        tallies.add(sweep("transient", steps, FaultPlan.IO_KINDS, false, counts));
        tallies.add(sweep("persistent", steps, FaultPlan.IO_KINDS, true, counts));
        tallies.add(sweep("stat", steps, EnumSet.of(Kind.STAT), false, counts));
        tallies.add(sweep("delete", steps, EnumSet.of(Kind.DELETE), false, counts));
        finish(tallies);
        assertEquals(armed + 1, tallies.get(0).runs, "one run per operation, and one that completes: " + tallies.get(0));
        report("short", tallies, start);
    }

    @Test
    void longFormInjectsIntoTheLargerWorkloadAndEachKindAlone() throws Exception {
        Assumptions.assumeTrue(ReliabilitySupport.longForm(), "long form only: -D" + ReliabilitySupport.LONG + "=true");
        long start = System.nanoTime();
        List<Tally> tallies = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Step> large = FaultWorkload.large();
            Map<Kind, Integer> counts = count(large, dir.resolve("count-large-" + round));
            tallies.add(sweep("large-transient-" + round, large, FaultPlan.IO_KINDS, false, counts));
            tallies.add(sweep("large-persistent-" + round, large, FaultPlan.IO_KINDS, true, counts));
            tallies.add(sweep("large-all-kinds-" + round, large, EnumSet.allOf(Kind.class), false, counts));
            List<Step> compact = FaultWorkload.compact();
            Map<Kind, Integer> compactCounts = count(compact, dir.resolve("count-compact-" + round));
            for (Kind kind : Kind.values()) {
                tallies.add(sweep("large-only-" + kind + "-" + round, large, EnumSet.of(kind), true, counts));
                tallies.add(sweep("compact-only-" + kind + "-" + round, compact, EnumSet.of(kind), true, compactCounts));
            }
        }
        finish(tallies);
        report("long", tallies, start);
    }

    /**
     * Regression: {@code FileLocks.open} opened the file, then looked at its identity again to catch a
     * replacement; when that second look failed, the new channel was never closed (found by the
     * metadata sweep: a descriptor of {@code jobs.chan} left open).
     */
    @Test
    void fileLocksOpenClosesTheChannelWhenTheSecondLookFails() throws Exception {
        Path file = Files.writeString(dir.resolve("x.chan"), "x");
        FaultPlan plan = FaultPlan.failing(EnumSet.of(Kind.STAT), 2, false);
        FaultyFileSystemProvider provider = new FaultyFileSystemProvider(plan);
        TransportException e = assertThrows(TransportException.class,
                () -> FileLocks.open(provider.path(file)).close());
        assertEquals(List.of("injected fault #2 (STAT readAttributes x.chan) on " + Thread.currentThread().getName()),
                plan.injected(), "the second look failed: " + plan.trace());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(List.of(), provider.openChannels(), "channels left open");
        assertEquals(List.of(), descriptorsUnder(dir), "descriptors left open");
    }

    /** The leak guards themselves: they see a descriptor and a lock held, in this JVM and from a child. */
    @Test
    void theLeakGuardsSeeADescriptorAndALock() throws Exception {
        Path domain = Files.createDirectories(dir.resolve("held"));
        Path file = Files.writeString(domain.resolve("held.chan"), "x");
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock(1L << 40, 1, false)) {
            assertTrue(lock != null, "lock taken");
            assertEquals(1, descriptorsUnder(domain).size(), "descriptor seen");
            assertEquals(1, locksOf(ProcessHandle.current().pid(), Set.of(inode)).size(), "lock seen in /proc/locks");
            try (ChildJvm child = ChildJvm.start(dir.resolve("logs"), LockProbe.class, domain.toString())) {
                child.awaitSuccess(WAIT);
                assertTrue(child.output().contains("HELD " + file), child.output());
            }
        }
        assertEquals(List.of(), descriptorsUnder(domain), "descriptor closed");
        assertEquals(List.of(), locksOf(ProcessHandle.current().pid(), Set.of(inode)), "lock released");
    }

    /** Runs the workload with nothing failing; returns the operations of each kind. */
    private Map<Kind, Integer> count(List<Step> steps, Path domain) throws Exception {
        FaultPlan plan = FaultPlan.counting();
        Run run = runOnce(steps, domain, plan, 0, false, false);
        if (run.failure() != null) {
            throw new AssertionError("the workload fails with nothing injected at step " + run.failedStep(), run.failure());
        }
        return plan.counts();
    }

    private Tally sweep(String label, List<Step> steps, Set<Kind> kinds, boolean persistent, Map<Kind, Integer> counts)
            throws Exception {
        Tally tally = new Tally(label, counts);
        int expected = kinds.stream().mapToInt(counts::get).sum();
        int bound = 2 * expected + 20;
        Path root = dir.resolve(label);
        for (int n = 1; ; n++) {
            assertTrue(n <= bound, label + ": runs kept reaching N up to " + bound + " (expected about " + expected + ")");
            FaultPlan plan = FaultPlan.failing(kinds, n, persistent);
            Run run = runOnce(steps, root.resolve("n" + n), plan, n, !persistent, kinds.contains(Kind.DELETE));
            tally.runs++;
            if (plan.injected().isEmpty()) {
                assertTrue(run.failure() == null, label + " n=" + n + ": failed with nothing injected");
                return tally;
            }
            tally.faults += plan.injected().size();
            if (run.failure() == null) {
                tally.absorbed++;
                tally.absorbedFaults.add(plan.injected().get(0));
            } else {
                tally.failedSteps.merge(run.failedStep(), 1, Integer::sum);
                String fault = plan.injected().get(0);
                tally.examples.putIfAbsent(fault.substring(fault.indexOf('(') + 1, fault.indexOf(' ', fault.indexOf('('))),
                        run.failure().getClass().getSimpleName() + ": " + run.failure().getMessage());
            }
        }
    }

    /** One run: the workload with a plan, then every check of the class comment. */
    private Run runOnce(List<Step> steps, Path domain, FaultPlan plan, int n, boolean retry, boolean deletesFail)
            throws Exception {
        FaultyFileSystemProvider provider = new FaultyFileSystemProvider(plan);
        Context context = new Context(provider.path(domain));
        Run run = bounded("workload n=" + n + " in " + domain, () -> execute(steps, context, retry));
        plan.disable();
        String where = "n=" + n + " domain=" + domain + " injected=" + plan.injected() + " step=" + run.failedStep();
        if (run.failure() != null) {
            checkClean(run.failure(), domain, plan, where);
        }
        if (run.afterFailure() != null) {
            throw new AssertionError("the Comm did not come through a transient fault: " + where + "\ntrace " + plan.trace(),
                    run.afterFailure());
        }
        if (run.closeFailure() != null) {
            throw new AssertionError("closing after the failure threw: " + where, run.closeFailure());
        }
        assertEquals(List.of(), provider.openChannels(), "channels left open: " + where);
        checkNoDescriptors(domain, where);
        checkNoLocks(domain, provider, where);
        State observed = bounded("observing " + domain, () -> observe(domain));
        assertTrue(run.acceptable().contains(observed), where + ": the domain holds a state no step boundary explains:\n"
                + "observed " + observed.brief() + "\nacceptable " + FaultWorkload.describe(run.acceptable())
                + "\ntrace " + plan.trace());
        checkNoStrayFiles(domain, deletesFail, where);
        bounded("using " + domain + " again", () -> useAgain(provider, domain, observed));
        assertEquals(List.of(), provider.openChannels(), "channels left open after use: " + where);
        checkNoDescriptors(domain, where + " (after use)");
        checkNoLocks(domain, provider, where + " (after use)");
        return run;
    }

    /**
     * Runs the steps. At the first failure: with {@code retry} (transient faults), the same step runs
     * again on a new thread and must succeed, and the workload goes on in the same {@code Comm}, so
     * the failed call must have committed nothing and left nothing held; without, the run stops and
     * the state may be the one before the step or after it.
     */
    private static Run execute(List<Step> steps, Context context, boolean retry) {
        State state = State.empty();
        String failedStep = null;
        Throwable failure = null;
        Throwable afterFailure = null;
        List<State> acceptable = null;
        for (Step step : steps) {
            State after = step.effect().apply(state);
            try {
                step.action().run(context);
            } catch (Throwable t) {
                if (failure != null) {
                    afterFailure = new AssertionError("step " + step.name() + " failed after a transient fault at "
                            + failedStep, t);
                    break;
                }
                failedStep = step.name();
                failure = t;
                if (!retry) {
                    acceptable = FaultWorkload.acceptable(step, state);
                    break;
                }
                try {
                    bounded("retry " + step.name(), WAIT.dividedBy(3), () -> {
                        step.action().run(context);
                        return null;
                    });
                } catch (Throwable r) {
                    afterFailure = new AssertionError("step " + step.name() + " failed again on a retry", r);
                    break;
                }
            }
            state = after;
        }
        Throwable closeFailure = null;
        try {
            context.close();
        } catch (Throwable t) {
            closeFailure = t;
        }
        return new Run(failedStep, failure, acceptable == null ? List.of(state) : acceptable, afterFailure, closeFailure);
    }

    /** A clean failure: a plain CommException naming the domain, caused by the injected fault. */
    private static void checkClean(Throwable failure, Path domain, FaultPlan plan, String where) {
        boolean causedByFault = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            causedByFault |= t instanceof FaultPlan.InjectedFault;
        }
        String message = String.valueOf(failure.getMessage());
        // the JDK swallows some metadata errors itself (Files.isDirectory says false): then the cause is what followed
        boolean causeKnown = causedByFault || plan.injected().stream().allMatch(fault -> fault.contains("(STAT "));
        if (!(failure instanceof CommException) || failure instanceof CorruptFileException || !causeKnown
                || !message.contains(domain.toString())) {
            throw new AssertionError("not a clean failure (want a CommException naming the domain, caused by the fault): "
                    + where + "\n" + stack(failure) + "\ntrace " + plan.trace(), failure);
        }
    }

    private static String stack(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    /**
     * Runs on a new thread with a deadline: a hang is a failure with the thread's stack. A new thread
     * each time, so a lock the workload's thread left held blocks the next user instead of re-entering.
     */
    private static <T> T bounded(String what, Call<T> call) throws Exception {
        return bounded(what, WAIT, call);
    }

    private static <T> T bounded(String what, Duration wait, Call<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call::call);
        Thread thread = new Thread(task, "fault-" + what.split(" ")[0]);
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            StackTraceElement[] stack = thread.getStackTrace();
            task.cancel(true);
            throw new AssertionError(what + " hung for " + wait + ": " + Arrays.toString(stack));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(what + " failed", e.getCause());
        }
    }

    /** What a default-file-system Comm finds: every channel drained, the store, the ring opened. */
    private static State observe(Path domain) throws Exception {
        try (Comm comm = Comm.open(domain, FaultWorkload.OPTIONS)) {
            Map<String, ChannelState> channels = new TreeMap<>();
            for (Map.Entry<String, Channel<?>> entry : comm.getChannels().entrySet()) {
                Channel<?> channel = entry.getValue();
                boolean closed = channel.isClosed();
                List<String> pending = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    Optional<?> message = channel.tryReceive();
                    if (message.isEmpty()) {
                        break;
                    }
                    Object value = message.get();
                    pending.add(value instanceof byte[] bytes ? "bytes:" + new String(bytes, StandardCharsets.UTF_8)
                            : String.valueOf(value));
                }
                channels.put(entry.getKey(), new ChannelState(List.copyOf(pending), closed));
            }
            Map<String, Object> storage = Map.of();
            long version = 0;
            if (Files.exists(domain.resolve(StoragePage.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
                SharedMemory memory = comm.sharedMemory();
                storage = new TreeMap<>(memory.getAll());
                version = memory.version();
            }
            if (Files.exists(domain.resolve(PubSubRing.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
                comm.sharedMemory().publish("observe", 1);
            }
            return new State(channels, storage, version);
        }
    }

    /** A second faulty Comm, faults off, on another thread: the domain still works end to end. */
    private static Void useAgain(FaultyFileSystemProvider provider, Path domain, State observed) throws Exception {
        try (Comm comm = Comm.open(provider.path(domain), FaultWorkload.OPTIONS)) {
            Channel<String> probe = comm.channel("probe", String.class);
            probe.send("p");
            assertEquals(Optional.of("p"), probe.receive(Duration.ofSeconds(10)));
            ChannelState jobs = observed.channels().get("jobs");
            if (jobs != null && !jobs.closed()) {
                Channel<String> channel = comm.channel("jobs", String.class);
                channel.send("again");
                assertEquals(Optional.of("again"), channel.receive(Duration.ofSeconds(10)));
            }
            SharedMemory memory = comm.sharedMemory();
            memory.set("probe", 1);
            assertEquals(observed.version() + 1, memory.version(), "version after one more set");
            CompletableFuture<Object> delivered = new CompletableFuture<>();
            memory.onSubscriberReceive("probe", delivered::complete);
            memory.publish("probe", 5);
            assertEquals(5, delivered.get(10, TimeUnit.SECONDS));
            assertTrue(comm.delete("probe"), "probe channel deleted");
        }
        return null;
    }

    /** No descriptor of this JVM points into the domain. */
    private static void checkNoDescriptors(Path domain, String where) {
        List<String> leaked = descriptorsUnder(domain);
        assertEquals(List.of(), leaked, "descriptors left open in the domain: " + where);
    }

    private static List<String> descriptorsUnder(Path domain) {
        String prefix = domain.toString() + "/";
        List<String> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix) || target.equals(domain.toString())) {
                        found.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException gone) {
                    // closed while we listed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** {@code /proc/locks} has no lock of this process on a file of the domain or one the run opened. */
    private static void checkNoLocks(Path domain, FaultyFileSystemProvider provider, String where) throws IOException {
        Set<Long> inodes = new HashSet<>(provider.openedInodes());
        if (!Files.isDirectory(domain, LinkOption.NOFOLLOW_LINKS)) {
            assertEquals(List.of(), locksOf(ProcessHandle.current().pid(), inodes), "locks still held by this JVM: " + where);
            return;
        }
        try (Stream<Path> files = Files.list(domain)) {
            for (Path file : files.toList()) {
                inodes.add(((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue());
            }
        }
        List<String> held = locksOf(ProcessHandle.current().pid(), inodes);
        assertEquals(List.of(), held, "locks still held by this JVM: " + where);
    }

    /** Lines of {@code /proc/locks} of a process on one of the inodes. */
    static List<String> locksOf(long pid, Set<Long> inodes) throws IOException {
        List<String> held = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            int base = f.length > 1 && f[1].equals("->") ? 2 : 1;
            if (f.length < base + 5) {
                continue;
            }
            String device = f[base + 4];
            long inode = Long.parseLong(device.substring(device.lastIndexOf(':') + 1));
            if (f[base + 3].equals(Long.toString(pid)) && inodes.contains(inode)) {
                held.add(line);
            }
        }
        return held;
    }

    /** Only the domain's own files; a hidden temporary file only where deleting it failed (it is then harmless). */
    private static void checkNoStrayFiles(Path domain, boolean deletesFail, String where) throws IOException {
        try (Stream<Path> files = Files.list(domain)) {
            List<String> stray = files.map(p -> p.getFileName().toString())
                    .filter(name -> !DOMAIN_FILES.contains(name) && !(name.endsWith(".chan") && !name.startsWith(".")))
                    .filter(name -> !(deletesFail && name.startsWith(".") && name.endsWith(".tmp")))
                    .sorted().toList();
            assertEquals(List.of(), stray, "files left in the domain: " + where);
        }
    }

    /** After all runs: mappings released once collected, and a child JVM can lock every file. */
    private void finish(List<Tally> tallies) throws IOException {
        Await.until(() -> {
            System.gc();
            return ReliabilitySupport.mappings("self", dir.toString()).isEmpty();
        }, WAIT, () -> "mappings of the domains outlive their Comms:\n"
                + String.join("\n", ReliabilitySupport.mappings("self", dir.toString())));
        try (ChildJvm child = ChildJvm.start(dir.resolve("logs"), LockProbe.class, dir.toString())) {
            child.awaitSuccess(WAIT);
            String output = child.output();
            assertTrue(output.contains("PROBED "), output);
            assertTrue(!output.contains("HELD "), "files still locked, seen from another JVM:\n" + output);
        }
        for (Tally tally : tallies) {
            assertTrue(tally.runs > 1, "a sweep ran no fault at all: " + tally);
        }
    }

    private static void report(String form, List<Tally> tallies, long start) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int runs = tallies.stream().mapToInt(t -> t.runs).sum();
        int faults = tallies.stream().mapToInt(t -> t.faults).sum();
        Map<String, Object> figures = new TreeMap<>();
        figures.put("runs", runs);
        figures.put("faults", faults);
        figures.put("ms", millis);
        System.out.println("RELIABILITY #10 " + form + " " + figures + "\n  "
                + tallies.stream().map(Tally::toString).collect(Collectors.joining("\n  "))
                + "\n  absorbed: " + tallies.stream().flatMap(t -> t.absorbedFaults.stream()).distinct().toList()
                + "\n  examples: " + tallies.get(0).examples);
    }

    /** Child JVM: takes an exclusive lock on the whole of every regular file under a directory. */
    static final class LockProbe {
        private LockProbe() {
        }

        public static void main(String[] args) throws IOException {
            Map<Boolean, Integer> seen = new TreeMap<>();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
                files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> !p.toString().endsWith(".log")).toList();
            }
            for (Path file : files) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                     FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false)) {
                    seen.merge(lock != null, 1, Integer::sum);
                    if (lock == null) {
                        System.out.println("HELD " + file);
                    }
                }
            }
            System.out.println("PROBED " + files.size() + " " + seen);
        }
    }
}
