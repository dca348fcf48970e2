import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.Select;
import io.litecomm.Selected;
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
 * Receiving from whichever of two channels has a message first, like Go's select.
 *
 * <pre>
 * java -cp "$(bin/litecomm classpath)" examples/scripts/SelectTwo.java
 * </pre>
 *
 * <p>This process makes a fresh domain and starts a copy of this script (role {@code sender}) that
 * sends five numbers on channel {@code numbers} and five words on channel {@code words}, then closes
 * both. This process receives them with one {@code Select} over the two channels until both are
 * closed and drained.
 */
public class SelectTwo {

    static {
        // bin/litecomm's class path has no SLF4J provider: keep SLF4J's notice about that out of the output
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> WORDS = List.of("alpha", "bravo", "charlie", "delta", "echo");

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("sender")) {
            send(Path.of(args[1]));
            return;
        }
        Path domain = Files.createTempDirectory("litecomm-select-");
        Process sender = null;
        try (Comm comm = Comm.open(domain)) {
            Channel<Integer> numbers = comm.channel("numbers", Integer.class);
            Channel<String> words = comm.channel("words", String.class);
            Select<Object> select = Select.of(numbers, words);
            sender = new ProcessBuilder(relaunch("sender", domain.toString())).inheritIO().start();
            int fromNumbers = 0;
            int fromWords = 0;
            for (Optional<Selected<Object>> got = select.receive(WAIT); got.isPresent(); got = select.receive(WAIT)) {
                System.out.println(got.get().channel().name() + ": " + got.get().value());
                if (got.get().channel() == numbers) {
                    fromNumbers++;
                } else {
                    fromWords++;
                }
            }
            if (!numbers.isClosed() || !words.isClosed()) {
                throw new IllegalStateException("nothing arrived for " + WAIT + " and the channels are still open");
            }
            if (!sender.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || sender.exitValue() != 0) {
                throw new IllegalStateException("the sender did not finish cleanly");
            }
            System.out.println("SelectTwo: OK, one Select received " + fromNumbers + " numbers and " + fromWords
                    + " words until both channels were closed");
        } finally {
            if (sender != null) {
                sender.destroyForcibly();
            }
            deleteDomain(domain);
        }
    }

    /** The other process: interleaves numbers and words, then closes both channels. */
    private static void send(Path domain) {
        try (Comm comm = Comm.open(domain)) {
            Channel<Integer> numbers = comm.channel("numbers", Integer.class);
            Channel<String> words = comm.channel("words", String.class);
            for (int i = 0; i < WORDS.size(); i++) {
                numbers.send(i + 1);
                words.send(WORDS.get(i));
            }
            numbers.close();
            words.close();
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
                .flatMap(arguments -> Arrays.stream(arguments).filter(a -> a.endsWith("SelectTwo.java")).findFirst())
                .orElse("examples/scripts/SelectTwo.java");
    }

    private static void deleteDomain(Path domain) throws IOException {
        try (Stream<Path> files = Files.walk(domain)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
