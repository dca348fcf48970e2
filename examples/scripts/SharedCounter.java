import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A counter in shared memory, incremented atomically by several processes at once.
 *
 * <pre>
 * java -cp "$(bin/litecomm classpath)" examples/scripts/SharedCounter.java [PROCESSES] [INCREMENTS]
 * </pre>
 *
 * <p>This process makes a fresh domain, sets {@code counter} to 0 and starts PROCESSES copies of
 * this script (default 3, role {@code add}), each of which runs {@code update("counter", n -> n + 1)}
 * INCREMENTS times (default 100). {@code update} is a read-modify-write no other process can
 * interleave, so no increment is lost.
 */
public class SharedCounter {

    static {
        // bin/litecomm's class path has no SLF4J provider: keep SLF4J's notice about that out of the output
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("add")) {
            add(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int processCount = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int increments = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path domain = Files.createTempDirectory("litecomm-counter-");
        List<Process> processes = new ArrayList<>();
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("counter", 0);
            for (int i = 0; i < processCount; i++) {
                processes.add(new ProcessBuilder(relaunch("add", domain.toString(), String.valueOf(increments)))
                        .inheritIO().start());
            }
            for (Process process : processes) {
                if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("an adding process did not finish cleanly");
                }
            }
            int counter = memory.get("counter", Integer.class);
            if (counter != processCount * increments) {
                throw new IllegalStateException("counter is " + counter + ", expected " + processCount * increments);
            }
            System.out.println("SharedCounter: OK, counter = " + counter + " after " + processCount + " processes x "
                    + increments + " atomic updates");
        } finally {
            processes.forEach(Process::destroyForcibly);
            deleteDomain(domain);
        }
    }

    /** One adding process. */
    private static void add(Path domain, int increments) {
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            for (int i = 0; i < increments; i++) {
                memory.update("counter", n -> n == null ? 1 : ((Number) n).intValue() + 1);
            }
            System.out.println("process " + ProcessHandle.current().pid() + " added " + increments);
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
                .flatMap(arguments -> Arrays.stream(arguments).filter(a -> a.endsWith("SharedCounter.java")).findFirst())
                .orElse("examples/scripts/SharedCounter.java");
    }

    private static void deleteDomain(Path domain) throws IOException {
        try (Stream<Path> files = Files.walk(domain)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
