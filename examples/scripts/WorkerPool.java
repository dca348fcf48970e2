import io.litecomm.Channel;
import io.litecomm.Comm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A pool of worker processes sharing one channel of jobs.
 *
 * <pre>
 * java -cp "$(bin/litecomm classpath)" examples/scripts/WorkerPool.java [WORKERS] [JOBS]
 * </pre>
 *
 * <p>This process makes a fresh domain, starts WORKERS copies of this script (default 3, role
 * {@code worker}), waits until each says it is ready, sends JOBS numbers (default 30) on channel
 * {@code jobs} and closes it. Each job goes to exactly one worker, which squares it and reports on
 * channel {@code results}; the workers stop when {@code jobs} is closed and drained.
 */
public class WorkerPool {

    static {
        // bin/litecomm's class path has no SLF4J provider: keep SLF4J's notice about that out of the output
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("worker")) {
            work(Path.of(args[1]), args[2]);
            return;
        }
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int jobCount = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path domain = Files.createTempDirectory("litecomm-workers-");
        List<Process> processes = new ArrayList<>();
        try (Comm comm = Comm.open(domain)) {
            Channel<Integer> jobs = comm.channel("jobs", Integer.class);
            Channel<String> results = comm.channel("results", String.class);
            Channel<String> ready = comm.channel("ready", String.class);
            for (int i = 1; i <= workers; i++) {
                processes.add(new ProcessBuilder(relaunch("worker", domain.toString(), "worker-" + i)).inheritIO().start());
            }
            for (int i = 0; i < workers; i++) {
                ready.receive(WAIT).orElseThrow(() -> new IllegalStateException("a worker did not start within " + WAIT));
            }
            for (int job = 1; job <= jobCount; job++) {
                jobs.send(job);
            }
            jobs.close(); // workers finish what is queued, then stop
            long sum = 0;
            Map<String, Integer> done = new TreeMap<>();
            for (int i = 0; i < jobCount; i++) {
                String[] result = results.receive(WAIT).orElseThrow(() -> new IllegalStateException("no result within " + WAIT))
                        .split(" ");
                done.merge(result[0], 1, Integer::sum);
                sum += Long.parseLong(result[2]);
            }
            for (Process process : processes) {
                if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("a worker did not finish cleanly");
                }
            }
            long expected = (long) jobCount * (jobCount + 1) * (2L * jobCount + 1) / 6;
            if (sum != expected) {
                throw new IllegalStateException("sum of squares is " + sum + ", expected " + expected);
            }
            done.forEach((worker, count) -> System.out.println(worker + " did " + count + " jobs"));
            System.out.println("WorkerPool: OK, " + jobCount + " jobs done once each by " + workers
                    + " worker processes, sum of squares " + sum);
        } finally {
            processes.forEach(Process::destroyForcibly);
            deleteDomain(domain);
        }
    }

    /** A worker: squares jobs until the channel is closed and drained. */
    private static void work(Path domain, String name) throws InterruptedException {
        try (Comm comm = Comm.open(domain)) {
            Channel<Integer> jobs = comm.channel("jobs", Integer.class);
            Channel<String> results = comm.channel("results", String.class);
            comm.channel("ready", String.class).send(name);
            for (Optional<Integer> job = jobs.receive(WAIT); job.isPresent(); job = jobs.receive(WAIT)) {
                int n = job.get();
                Thread.sleep(10); // the work
                results.send(name + " " + n + " " + (long) n * n);
            }
        }
    }

    /** The command that runs this same script again, in another JVM, with the same class path. */
    private static List<String> relaunch(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1"); // a short-lived helper: start quickly
        command.add("-Dslf4j.internal.verbosity=ERROR");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(sourceFile());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** This script's file, as the source launcher was given it. */
    private static String sourceFile() {
        String file = System.getProperty("jdk.launcher.sourcefile");
        if (file != null) {
            return file;
        }
        return ProcessHandle.current().info().arguments()
                .flatMap(arguments -> Arrays.stream(arguments).filter(a -> a.endsWith("WorkerPool.java")).findFirst())
                .orElse("examples/scripts/WorkerPool.java");
    }

    private static void deleteDomain(Path domain) throws IOException {
        try (Stream<Path> files = Files.walk(domain)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
