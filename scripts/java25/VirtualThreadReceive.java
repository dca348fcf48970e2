import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.WaitStrategy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reliability test #23 (shared RELIABILITY.md): many virtual threads blocked in
 * {@code Channel.receive(Duration)} on Java 25 all complete, and none of them is pinned to its
 * carrier in a litecomm frame.
 *
 * <p>A single-file program (JEP 330), run by {@code scripts/reliability-java25.sh} with a Java 25
 * {@code java} and litecomm's classes plus runtime dependencies on the class path. For every wait
 * strategy asked for and every round, on a fresh temporary domain:
 * <ol>
 *   <li><b>delivery</b>: {@code --threads} virtual threads each call {@code receive(60 s)} once on a
 *       new channel; when all have started, a producer in a <em>child JVM</em> (this same file, mode
 *       {@code producer}) sends exactly that many distinct integers. Every thread must return exactly
 *       one message, no exception, and the values received must be exactly the values sent.</li>
 *   <li><b>timeouts</b>: as many virtual threads call {@code receive(--idle-timeout-ms)} on an empty
 *       channel; every one must return {@code Optional.empty()} (the documented result of a timed
 *       receive whose time ran out), none before its timeout, all within the timeout plus
 *       {@code --idle-bound-s}.</li>
 * </ol>
 * A JFR recording with {@code jdk.VirtualThreadPinned} at threshold 0 runs around each strategy,
 * after a warm-up of {@value #WARM_UP_THREADS} threads through the same two phases (recorded apart and
 * only counted); the run fails if any event has a frame in a class named {@code io.litecomm.*}
 * (those stacks are printed), unless what pinned is the JVM loading or initialising a class on first
 * use above our frames (a class-loader lock, a static initialiser): Java 25 still pins there, in any
 * code, so such events are counted and reported apart, and fail only with
 * {@code --strict-class-loading true}. A watchdog halts the JVM with a message after {@code --deadline-s}; the child producer
 * exits when its standard input closes, is destroyed when this JVM exits, and has its own watchdog.
 * Exit status 0 only if everything passed.
 *
 * <p>Usage: {@code java -cp CLASSES:LIBS -Dlitecomm.vt.source=THIS_FILE VirtualThreadReceive.java
 * [--threads N] [--rounds R] [--strategies BACKOFF,BLOCKING] [--idle-timeout-ms MS]
 * [--idle-bound-s S] [--deadline-s S] [--strict-class-loading true]}.
 */
public final class VirtualThreadReceive {

    private static final PrintStream OUT = System.out;
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(60);
    private static final String PINNED = "jdk.VirtualThreadPinned";
    private static final int MAX_STACKS_PRINTED = 20;
    private static final int WARM_UP_THREADS = 200;

    private final int threads;
    private final int rounds;
    private final List<WaitStrategy> strategies;
    private final Duration idleTimeout;
    private final Duration idleBound;
    private final long deadlineSeconds;
    private final boolean strictClassLoading;
    private final List<String> failures = new ArrayList<>();
    private final List<String> summaries = new ArrayList<>();
    private Producer producer;
    private Path domain;

    private VirtualThreadReceive(Map<String, String> options) {
        this.threads = Integer.parseInt(options.getOrDefault("threads", "10000"));
        this.rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        this.strategies = Stream.of(options.getOrDefault("strategies", "BACKOFF,BLOCKING").split(","))
                .map(s -> WaitStrategy.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList();
        this.idleTimeout = Duration.ofMillis(Long.parseLong(options.getOrDefault("idle-timeout-ms", "500")));
        this.idleBound = Duration.ofSeconds(Long.parseLong(options.getOrDefault("idle-bound-s", "60")));
        this.deadlineSeconds = Long.parseLong(options.getOrDefault("deadline-s", "300"));
        this.strictClassLoading = Boolean.parseBoolean(options.getOrDefault("strict-class-loading", "false"));
    }

    /**
     * Runs the test, or the producer when the first argument is {@code producer}.
     *
     * @param args options, see the class comment
     * @throws Exception on a failure of the harness itself
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("producer")) {
            ProducerMain.run(args);
            return;
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> known = List.of("--threads", "--rounds", "--strategies", "--idle-timeout-ms", "--idle-bound-s",
                "--deadline-s", "--strict-class-loading");
        for (int i = 0; i < args.length; i++) {
            if (!known.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: [--threads N] [--rounds R] [--strategies A,B]"
                        + " [--idle-timeout-ms MS] [--idle-bound-s S] [--deadline-s S] [--strict-class-loading true];"
                        + " bad: " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        int status = new VirtualThreadReceive(options).run();
        OUT.flush();
        System.exit(status);
    }

    private int run() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        startWatchdog(finished);
        long start = System.nanoTime();
        domain = Files.createTempDirectory("litecomm-vt-");
        OUT.printf("java %s (%s), %d CPUs, domain %s, threads=%d rounds=%d strategies=%s idle-timeout=%dms%n",
                Runtime.version(), System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                domain, threads, rounds, strategies, idleTimeout.toMillis());
        try (Comm comm = Comm.open(domain)) {
            producer = Producer.start(domain, deadlineSeconds);
            for (WaitStrategy strategy : strategies) {
                runStrategy(comm, strategy);
            }
        } catch (Exception | Error e) {
            failures.add("harness: " + e);
            e.printStackTrace(OUT);
        } finally {
            if (producer != null) {
                producer.close();
            }
            deleteRecursively(domain);
            finished.countDown();
        }
        long total = Duration.ofNanos(System.nanoTime() - start).toMillis();
        OUT.println();
        for (String summary : summaries) {
            OUT.println(summary);
        }
        if (failures.isEmpty()) {
            OUT.printf("RESULT PASS: reliability #23, %d virtual threads x %d round(s) x %s in %.1f s%n",
                    threads, rounds, strategies, total / 1000.0);
            return 0;
        }
        OUT.printf("RESULT FAIL: %d failure(s) in %.1f s%n", failures.size(), total / 1000.0);
        failures.forEach(f -> OUT.println("  FAIL " + f));
        return 1;
    }

    private void runStrategy(Comm comm, WaitStrategy strategy) throws Exception {
        // warm-up: a few threads through every path once, so that the strict recording below is not about
        // the JVM loading and initialising classes on first use (that pins in any code on Java 25: see the class comment)
        int warmThreads = Math.min(WARM_UP_THREADS, threads);
        Path warmJfr = Files.createTempFile("litecomm-vt-warm-" + strategy + "-", ".jfr");
        Path jfr = Files.createTempFile("litecomm-vt-" + strategy + "-", ".jfr");
        try {
            runStrategy(comm, strategy, warmThreads, warmJfr, jfr);
        } finally {
            Files.deleteIfExists(warmJfr);
            Files.deleteIfExists(jfr);
        }
    }

    private void runStrategy(Comm comm, WaitStrategy strategy, int warmThreads, Path warmJfr, Path jfr)
            throws Exception {
        try (Recording recording = pinnedRecording()) {
            deliver(comm, strategy, 0, warmThreads);
            idle(comm, strategy, 0, warmThreads);
            recording.stop();
            recording.dump(warmJfr);
        }
        long[] warmPinned = checkPinned(strategy + " warm-up", warmJfr, false);
        long deliverMillis = 0;
        long idleMillis = 0;
        long worstLateMillis = 0;
        try (Recording recording = pinnedRecording()) {
            for (int round = 1; round <= rounds; round++) {
                deliverMillis = Math.max(deliverMillis, deliver(comm, strategy, round, threads));
                long[] idle = idle(comm, strategy, round, threads);
                idleMillis = Math.max(idleMillis, idle[0]);
                worstLateMillis = Math.max(worstLateMillis, idle[1]);
            }
            recording.stop();
            recording.dump(jfr);
        }
        long[] pinned = checkPinned(strategy.toString(), jfr, true);
        summaries.add(String.format(Locale.ROOT, "SUMMARY %-9s threads=%d rounds=%d messages=%d"
                + " deliver(max round)=%d ms timeouts(max round)=%d ms worst-late=%d ms"
                + " pinned-events=%d pinned-by-io.litecomm=%d class-loading-pins-under-io.litecomm=%d"
                + " (warm-up %d threads: pinned=%d, by io.litecomm=%d, class loading=%d)",
                strategy, threads, rounds, (long) threads * rounds, deliverMillis, idleMillis, worstLateMillis,
                pinned[0], pinned[1], pinned[2], warmThreads, warmPinned[0], warmPinned[1], warmPinned[2]));
    }

    private static Recording pinnedRecording() {
        Recording recording = new Recording();
        recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
        recording.start();
        return recording;
    }

    /** Phase 1; returns the time from the go signal to the last thread's completion, in ms. */
    private long deliver(Comm comm, WaitStrategy strategy, int round, int threads) throws Exception {
        String name = "vt-deliver-" + strategy.name().toLowerCase(Locale.ROOT) + "-" + round;
        Channel<Integer> channel = comm.channel(name, Integer.class,
                ChannelOptions.builder().waitStrategy(strategy).build());
        int base = round * 10_000_000;
        int[] values = new int[threads];
        Arrays.fill(values, -1);
        Throwable[] errors = new Throwable[threads];
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch done = new CountDownLatch(threads);
        Thread[] receivers = new Thread[threads];
        long spawn = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int index = i;
            receivers[i] = Thread.ofVirtual().name("vt-recv-" + i).start(() -> {
                try {
                    started.countDown();
                    Optional<Integer> value = channel.receive(RECEIVE_TIMEOUT);
                    values[index] = value.orElse(-1);
                } catch (Throwable t) {
                    errors[index] = t;
                } finally {
                    done.countDown();
                }
            });
        }
        String label = strategy + (round == 0 ? " warm-up" : " round " + round) + " delivery";
        if (!started.await(60, TimeUnit.SECONDS)) {
            failures.add(label + ": only " + (threads - started.getCount()) + " of " + threads + " threads started");
        }
        long go = System.nanoTime();
        long spawnMillis = Duration.ofNanos(go - spawn).toMillis();
        String sent = producer.send(name, base, threads, RECEIVE_TIMEOUT);
        boolean complete = done.await(RECEIVE_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        long elapsed = Duration.ofNanos(System.nanoTime() - go).toMillis();
        if (!complete) {
            failures.add(label + ": " + done.getCount() + " of " + threads + " threads still in receive after "
                    + elapsed + " ms");
            stopAll(receivers);
        }
        checkDelivered(label, values, errors, base);
        Optional<Integer> extra = channel.tryReceive();
        if (extra.isPresent()) {
            failures.add(label + ": a message was left over after every thread took one: " + extra.get());
        }
        channel.close();
        comm.delete(name);
        OUT.printf(Locale.ROOT, "%s: %d threads started in %d ms; producer %s; all received %d ms after the go;"
                + " fds=%d bell-sockets=%d%n", label, threads, spawnMillis, sent, elapsed, openFds(), bellSockets());
        return elapsed;
    }

    private void checkDelivered(String label, int[] values, Throwable[] errors, int base) {
        int threads = values.length;
        BitSet seen = new BitSet(threads);
        int empty = 0;
        int failed = 0;
        int duplicates = 0;
        int foreign = 0;
        for (int i = 0; i < threads; i++) {
            if (errors[i] != null) {
                if (failed++ == 0) {
                    OUT.println(label + ": first exception, thread " + i + ":");
                    errors[i].printStackTrace(OUT);
                }
            } else if (values[i] < 0) {
                empty++;
            } else if (values[i] < base || values[i] >= base + threads) {
                foreign++;
            } else if (seen.get(values[i] - base)) {
                duplicates++;
            } else {
                seen.set(values[i] - base);
            }
        }
        if (failed + empty + duplicates + foreign > 0 || seen.cardinality() != threads) {
            failures.add(String.format("%s: distinct=%d of %d, exceptions=%d, empty=%d, duplicates=%d, foreign=%d",
                    label, seen.cardinality(), threads, failed, empty, duplicates, foreign));
        }
    }

    /** Phase 2; returns {phase time in ms, worst lateness past the timeout in ms}. */
    private long[] idle(Comm comm, WaitStrategy strategy, int round, int threads) throws Exception {
        String name = "vt-idle-" + strategy.name().toLowerCase(Locale.ROOT) + "-" + round;
        Channel<Integer> channel = comm.channel(name, Integer.class,
                ChannelOptions.builder().waitStrategy(strategy).build());
        long timeoutNanos = idleTimeout.toNanos();
        long[] waited = new long[threads];
        int[] outcome = new int[threads];
        Throwable[] errors = new Throwable[threads];
        CountDownLatch done = new CountDownLatch(threads);
        Thread[] receivers = new Thread[threads];
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int index = i;
            receivers[i] = Thread.ofVirtual().name("vt-idle-" + i).start(() -> {
                try {
                    long t0 = System.nanoTime();
                    Optional<Integer> value = channel.receive(idleTimeout);
                    waited[index] = System.nanoTime() - t0;
                    outcome[index] = value.isPresent() ? 1 : 0;
                } catch (Throwable t) {
                    errors[index] = t;
                } finally {
                    done.countDown();
                }
            });
        }
        String label = strategy + (round == 0 ? " warm-up" : " round " + round) + " timeouts";
        long bound = timeoutNanos + idleBound.toNanos();
        boolean complete = done.await(bound, TimeUnit.NANOSECONDS);
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (!complete) {
            failures.add(label + ": " + done.getCount() + " of " + threads + " timed receives had not returned after "
                    + elapsed + " ms (timeout " + idleTimeout.toMillis() + " ms)");
            stopAll(receivers);
        }
        int early = 0;
        int present = 0;
        int failed = 0;
        for (int i = 0; i < threads; i++) {
            if (errors[i] != null) {
                if (failed++ == 0) {
                    OUT.println(label + ": first exception, thread " + i + ":");
                    errors[i].printStackTrace(OUT);
                }
            } else if (outcome[i] != 0) {
                present++;
            } else if (waited[i] < timeoutNanos) {
                early++;
            }
        }
        long[] sorted = waited.clone();
        Arrays.sort(sorted);
        long medianMs = TimeUnit.NANOSECONDS.toMillis(sorted[threads / 2]);
        long p99Ms = TimeUnit.NANOSECONDS.toMillis(sorted[Math.min(threads - 1, threads * 99 / 100)]);
        long maxMs = TimeUnit.NANOSECONDS.toMillis(sorted[threads - 1]);
        if (failed + present + early > 0) {
            failures.add(String.format("%s: exceptions=%d, returned a message=%d, returned before the timeout=%d",
                    label, failed, present, early));
        }
        channel.close();
        comm.delete(name);
        OUT.printf(Locale.ROOT, "%s: %d timed receives of %d ms all empty in %d ms; waited median=%d p99=%d max=%d ms;"
                + " fds=%d bell-sockets=%d%n", label, threads, idleTimeout.toMillis(), elapsed, medianMs, p99Ms, maxMs,
                openFds(), bellSockets());
        return new long[] {elapsed, Math.max(0, maxMs - idleTimeout.toMillis())};
    }

    /**
     * Reads a recording; returns {pinned events, pinned by io.litecomm code, class-loading pins under
     * io.litecomm frames}. An event with an io.litecomm frame is ours unless what blocks is the JVM
     * loading or initialising a class on first use (a class-loader lock or a static initialiser above our
     * frames, which pins in any code on Java 25); those are counted apart and fail only with
     * {@code --strict-class-loading true}. In the strict recording ours fail and their stacks are
     * printed; the warm-up only counts.
     */
    private long[] checkPinned(String label, Path jfr, boolean strict) throws IOException {
        long[] counts = new long[3];
        Map<String, Integer> elsewhere = new LinkedHashMap<>();
        Map<String, Integer> reasons = new LinkedHashMap<>();
        int printed = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (!event.getEventType().getName().equals(PINNED)) {
                continue;
            }
            counts[0]++;
            RecordedStackTrace stack = event.getStackTrace();
            List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
            int firstOurs = firstLitecommFrame(frames);
            if (firstOurs < 0) {
                elsewhere.merge(frames.isEmpty() ? "(no stack)" : frame(frames.get(0)), 1, Integer::sum);
                continue;
            }
            boolean classLoading = isClassLoading(event, frames.subList(0, firstOurs));
            counts[classLoading ? 2 : 1]++;
            reasons.merge(classLoading ? "class loading: " + reason(event)
                    : "OURS: " + reason(event) + " at " + frame(frames.get(0)), 1, Integer::sum);
            boolean fails = !classLoading || strictClassLoading;
            if (strict && (fails || counts[2] == 1) && printed++ < MAX_STACKS_PRINTED) {
                OUT.println(label + ": pinned with io.litecomm frames" + (classLoading ? " (class loading)" : "") + ": "
                        + describe(event));
                frames.forEach(f -> OUT.println("        at " + frame(f)));
            }
        }
        if (strict && counts[1] > 0) {
            failures.add(label + ": " + counts[1] + " jdk.VirtualThreadPinned event(s) pinned by io.litecomm code");
        }
        if (strict && strictClassLoading && counts[2] > 0) {
            failures.add(label + ": " + counts[2] + " class-loading pinned event(s) under io.litecomm frames");
        }
        reasons.forEach((reason, n) -> OUT.println(label + ": pinned with io.litecomm frames x" + n + ", " + reason));
        elsewhere.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(5).forEach(e -> OUT.println(label + ": pinned outside io.litecomm x" + e.getValue()
                        + ", top frame " + e.getKey()));
        return counts;
    }

    private static int firstLitecommFrame(List<RecordedFrame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            RecordedFrame f = frames.get(i);
            if (f.getMethod() != null && f.getMethod().getType().getName().startsWith("io.litecomm.")) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the pin is the JVM loading or initialising a class: reason, or the frames above ours. */
    private static boolean isClassLoading(RecordedEvent event, List<RecordedFrame> above) {
        Object reason = event.hasField("pinnedReason") ? event.getValue("pinnedReason") : "";
        String text = String.valueOf(reason);
        if (text.startsWith("Waited for initialization of ") || text.contains(".<clinit> on stack")) {
            return true;
        }
        for (RecordedFrame f : above) {
            if (f.getMethod() == null) {
                continue;
            }
            String type = f.getMethod().getType().getName();
            String method = f.getMethod().getName();
            if (method.equals("<clinit>") || method.startsWith("loadClass")
                    && (type.equals("java.lang.ClassLoader") || type.startsWith("jdk.internal.loader."))) {
                return true;
            }
        }
        return false;
    }

    /** The pinned reason with class names generalised, to group events. */
    private static String reason(RecordedEvent event) {
        Object reason = event.hasField("pinnedReason") ? event.getValue("pinnedReason") : "?";
        Object operation = event.hasField("blockingOperation") ? event.getValue("blockingOperation") : "?";
        return String.valueOf(reason).replaceAll("of [\\w.$]+ by", "of <class> by")
                .replaceAll("to [\\w.$<>]+ on", "to <method> on") + " / " + operation;
    }

    private static String describe(RecordedEvent event) {
        StringBuilder text = new StringBuilder("duration=" + event.getDuration().toNanos() / 1000 + "us");
        for (String field : List.of("pinnedReason", "blockingOperation")) {
            if (event.hasField(field)) {
                text.append(' ').append(field).append('=').append(event.getValue(field).toString());
            }
        }
        return text.toString();
    }

    private static String frame(RecordedFrame frame) {
        if (frame.getMethod() == null) {
            return "?";
        }
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + " line "
                + frame.getLineNumber() + " (" + frame.getType() + ")";
    }

    /** Interrupts threads that missed their bound and gives them a bounded moment to leave. */
    private static void stopAll(Thread[] receivers) throws InterruptedException {
        for (Thread t : receivers) {
            t.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : receivers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                return;
            }
        }
    }

    private long bellSockets() throws IOException {
        try (Stream<Path> files = Files.list(domain)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".bell-")).count();
        }
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private void startWatchdog(CountDownLatch finished) {
        Thread watchdog = new Thread(() -> {
            try {
                if (finished.await(deadlineSeconds, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            OUT.println("RESULT FAIL: watchdog: not finished after " + deadlineSeconds + " s; halting");
            Thread.getAllStackTraces().forEach((t, stack) -> {
                OUT.println("thread " + t.getName());
                for (StackTraceElement e : stack) {
                    OUT.println("        at " + e);
                }
            });
            if (producer != null) {
                producer.process.destroyForcibly();
            }
            deleteRecursively(domain);
            OUT.flush();
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            OUT.println("could not delete " + root + ": " + e);
        }
    }

    /** The child JVM that sends, driven line by line through its standard input. */
    private static final class Producer implements AutoCloseable {
        private final Process process;
        private final Writer commands;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        private Producer(Process process) {
            this.process = process;
            this.commands = process.outputWriter(StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("producer: ")) {
                            replies.add(line.substring("producer: ".length()));
                        } else {
                            OUT.println("[producer] " + line);
                        }
                    }
                } catch (IOException e) {
                    OUT.println("[producer] output lost: " + e);
                }
                replies.add("exited");
            }, "producer-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Producer start(Path domain, long deadlineSeconds) throws IOException, InterruptedException {
            String source = System.getProperty("litecomm.vt.source");
            if (source == null || !Files.isRegularFile(Path.of(source))) {
                throw new IllegalStateException("-Dlitecomm.vt.source must name this source file: " + source);
            }
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // the marker lets .ci/run's leftover check (pgrep -f 'io\.litecomm\.') see this child too
                    "-Dio.litecomm.reliability.vt=producer",
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dslf4j.internal.verbosity=ERROR",
                    "-cp", System.getProperty("java.class.path"),
                    "-Dlitecomm.vt.source=" + source, source, "producer", domain.toString(),
                    Long.toString(deadlineSeconds));
            Producer producer = new Producer(new ProcessBuilder(command).redirectErrorStream(true).start());
            Runtime.getRuntime().addShutdownHook(new Thread(producer.process::destroyForcibly));
            String ready = producer.replies.poll(60, TimeUnit.SECONDS);
            if (!"ready".equals(ready)) {
                producer.close();
                throw new IllegalStateException("producer JVM did not get ready: " + ready);
            }
            OUT.println("producer JVM pid " + producer.process.pid() + " ready");
            return producer;
        }

        /** Sends {@code count} integers from {@code base} on {@code name} in the child; returns its report. */
        String send(String name, int base, int count, Duration bound) throws IOException, InterruptedException {
            commands.write("send " + name + " " + base + " " + count + "\n");
            commands.flush();
            String reply = replies.poll(bound.toSeconds() + 30, TimeUnit.SECONDS);
            if (reply == null || !reply.startsWith("sent ")) {
                throw new IllegalStateException("producer failed on " + name + ": " + reply);
            }
            return reply;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                commands.close();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                OUT.println("producer JVM did not exit on end of input; destroying it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The producer side, in the child JVM. */
    private static final class ProducerMain {
        private ProducerMain() {
        }

        static void run(String[] args) throws Exception {
            Path domain = Path.of(args[1]);
            long deadlineSeconds = Long.parseLong(args[2]);
            CountDownLatch finished = new CountDownLatch(1);
            Thread watchdog = new Thread(() -> {
                try {
                    if (!finished.await(deadlineSeconds, TimeUnit.SECONDS)) {
                        System.out.println("producer watchdog: not finished after " + deadlineSeconds + " s; halting");
                        Runtime.getRuntime().halt(3);
                    }
                } catch (InterruptedException e) {
                    // finishing
                }
            }, "producer-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (Comm comm = Comm.open(domain)) {
                System.out.println("producer: ready");
                for (String line = input.readLine(); line != null; line = input.readLine()) {
                    String[] words = line.split(" ");
                    Channel<Integer> channel = comm.channel(words[1], Integer.class);
                    int base = Integer.parseInt(words[2]);
                    int count = Integer.parseInt(words[3]);
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        if (!channel.send(base + i, RECEIVE_TIMEOUT)) {
                            throw new IllegalStateException("send timed out: channel=" + words[1] + " i=" + i);
                        }
                    }
                    System.out.println("producer: sent " + count + " in "
                            + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
                }
            } catch (Exception e) {
                System.out.println("producer: error " + e);
                e.printStackTrace(System.out);
                System.exit(1);
            } finally {
                finished.countDown();
            }
        }
    }
}
