package io.litecomm.mapped.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.WaitStrategy;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Doorbell sockets are {@code rw-------} like every other file of the domain, whatever the umask:
 * a receiver in a child JVM started under {@code umask 000} sleeps on a bell, and its socket's mode
 * is read from this process.
 */
@Timeout(90)
class DoorbellModeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String OWNER_ONLY = "rw-------";

    @TempDir
    Path dir;

    /** Writes a plain file (its mode shows the umask), then sleeps in a blocking receive until a message comes. */
    public static final class SleeperUnderUmask {
        public static void main(String[] args) throws IOException {
            ChildJvm.haltWhenParentGone();
            Files.writeString(Path.of(args[1]), "plain file, default mode", StandardCharsets.UTF_8);
            try (Comm comm = Comm.open(Path.of(args[0]))) {
                Channel<String> bells = comm.channel("bells", String.class,
                        ChannelOptions.builder().waitStrategy(WaitStrategy.BLOCKING).build());
                System.out.println("RECEIVING");
                System.out.println("RECEIVED " + bells.receive());
            }
        }
    }

    @Test
    void aBellSocketIsOwnerOnlyUnderUmask000() {
        Path domain = dir.resolve("domain");
        Path plain = dir.resolve("plain.txt");
        List<String> underUmask = List.of("/bin/sh", "-c", "umask 000 && exec \"$0\" \"$@\"");
        try (ChildJvm sleeper = ChildJvm.start(dir.resolve("logs"), underUmask, Map.of(), SleeperUnderUmask.class,
                domain.toString(), plain.toString())) {
            sleeper.awaitOutput("RECEIVING", WAIT);
            assertEquals("rw-rw-rw-", mode(plain), "the child really runs under umask 000");
            ChildJvm.Await.until(() -> bell(domain).isPresent(), WAIT, () -> "no bell socket appeared in " + domain
                    + ": " + sleeper.output());
            Path bell = bell(domain).orElseThrow();
            // bind creates the socket with the umask and the mode is set just after: allow that instant
            ChildJvm.Await.until(() -> OWNER_ONLY.equals(mode(bell)), Duration.ofSeconds(5),
                    () -> "bell socket " + bell + " has mode " + mode(bell) + ", expected " + OWNER_ONLY);
            try (Comm comm = Comm.open(domain)) {
                comm.channel("bells", String.class).send("ring");
            }
            sleeper.awaitOutput("RECEIVED ring", WAIT);
            sleeper.awaitSuccess(WAIT);
        }
    }

    private static Optional<Path> bell(Path domain) {
        if (!Files.isDirectory(domain)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(domain)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".bell-")).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
