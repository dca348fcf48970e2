import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.Subscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A chat room over pub/sub: every message published to a topic reaches every subscriber.
 *
 * <pre>
 * java -cp "$(bin/litecomm classpath)" examples/scripts/PubSubChat.java
 * </pre>
 *
 * <p>This process makes a fresh domain, subscribes to topic {@code chat}, and starts two copies of
 * this script (role {@code user}: alice and bob), each of which publishes three lines and leaves.
 * This process prints the six lines as they arrive.
 */
public class PubSubChat {

    static {
        // bin/litecomm's class path has no SLF4J provider: keep SLF4J's notice about that out of the output
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> USERS = List.of("alice", "bob");
    private static final int LINES = 3;

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("user")) {
            talk(Path.of(args[1]), args[2]);
            return;
        }
        Path domain = Files.createTempDirectory("litecomm-chat-");
        List<Process> processes = new ArrayList<>();
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
            Subscription subscription = memory.onSubscriberReceive("chat", inbox::add);
            for (String user : USERS) {
                processes.add(new ProcessBuilder(relaunch("user", domain.toString(), user)).inheritIO().start());
            }
            int expected = USERS.size() * LINES;
            for (int i = 0; i < expected; i++) {
                Object message = inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                if (!(message instanceof Map<?, ?> line)) {
                    throw new IllegalStateException("no chat line within " + WAIT + ": got " + message);
                }
                System.out.println("[" + line.get("from") + "] " + line.get("text"));
            }
            subscription.cancel();
            for (Process process : processes) {
                if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("a user process did not finish cleanly");
                }
            }
            System.out.println("PubSubChat: OK, " + expected + " messages from " + USERS.size() + " users");
        } finally {
            processes.forEach(Process::destroyForcibly);
            deleteDomain(domain);
        }
    }

    /** One user: publishes a few lines to the room. */
    private static void talk(Path domain, String user) {
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            for (int i = 1; i <= LINES; i++) {
                memory.publish("chat", Map.of("from", user, "text", "hello #" + i + " from " + user));
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
                .flatMap(arguments -> Arrays.stream(arguments).filter(a -> a.endsWith("PubSubChat.java")).findFirst())
                .orElse("examples/scripts/PubSubChat.java");
    }

    private static void deleteDomain(Path domain) throws IOException {
        try (Stream<Path> files = Files.walk(domain)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
