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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Ping-pong between two processes over two channels.
 *
 * <pre>
 * java -cp "$(bin/litecomm classpath)" examples/scripts/PingPong.java [ROUNDS]
 * </pre>
 *
 * <p>This process makes a fresh domain, starts a copy of this script as a second process (role
 * {@code pong}), then ROUNDS times (default 5) sends "ping N" on channel {@code ping} and waits for
 * "pong N" on channel {@code pong}. Closing {@code ping} tells the other process to finish.
 */
public class PingPong {

    static {
        // bin/litecomm's class path has no SLF4J provider: keep SLF4J's notice about that out of the output
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("pong")) {
            pong(Path.of(args[1]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path domain = Files.createTempDirectory("litecomm-pingpong-");
        Process other = null;
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ping = comm.channel("ping", String.class);
            Channel<String> pong = comm.channel("pong", String.class);
            other = new ProcessBuilder(relaunch("pong", domain.toString())).inheritIO().start();
            for (int i = 1; i <= rounds; i++) {
                ping.send("ping " + i);
                String reply = pong.receive(WAIT).orElseThrow(() -> new IllegalStateException("no pong within " + WAIT));
                System.out.println("ping " + i + " -> " + reply);
            }
            ping.close();
            if (!other.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || other.exitValue() != 0) {
                throw new IllegalStateException("the pong process did not finish cleanly");
            }
            System.out.println("PingPong: OK, " + rounds + " round trips between processes "
                    + ProcessHandle.current().pid() + " and " + other.pid());
        } finally {
            if (other != null) {
                other.destroyForcibly();
            }
            deleteDomain(domain);
        }
    }

    /** The second process: answers every ping until the channel is closed (or nothing comes for a while). */
    private static void pong(Path domain) {
        int answered = 0;
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ping = comm.channel("ping", String.class);
            Channel<String> pong = comm.channel("pong", String.class);
            for (Optional<String> message = ping.receive(WAIT); message.isPresent(); message = ping.receive(WAIT)) {
                pong.send(message.get().replace("ping", "pong"));
                answered++;
            }
        }
        System.out.println("pong process " + ProcessHandle.current().pid() + ": answered " + answered + " pings");
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
                .flatMap(arguments -> Arrays.stream(arguments).filter(a -> a.endsWith("PingPong.java")).findFirst())
                .orElse("examples/scripts/PingPong.java");
    }

    private static void deleteDomain(Path domain) throws IOException {
        try (Stream<Path> files = Files.walk(domain)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
