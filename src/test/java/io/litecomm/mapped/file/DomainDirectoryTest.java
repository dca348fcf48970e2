package io.litecomm.mapped.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Domain directory safety: modes whatever the umask, symbolic links, foreign owners, loose modes. */
@Timeout(60)
class DomainDirectoryTest {

    private static final String DIR_MODE = "rwx------";
    private static final String FILE_MODE = "rw-------";

    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static CommException assertRefused(Executable call, Path path, String reason) {
        CommException e = assertThrows(CommException.class, call);
        assertTrue(e.getMessage().contains(path.toString()), "message names the path " + path + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "message names the reason '" + reason + "': " + e.getMessage());
        return e;
    }

    private static void assertNoTemporaryFiles(Path domain) throws IOException {
        try (Stream<Path> files = Files.list(domain)) {
            List<String> leftovers = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), leftovers);
        }
    }

    @Test
    void createsDirectory0700AndFiles0600() throws IOException {
        Path domain = dir.resolve("parent").resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            comm.channel("c", String.class).send("x");
        }
        assertEquals(DIR_MODE, mode(domain));
        assertEquals(FILE_MODE, mode(domain.resolve("c.chan")));
        assertEquals(FILE_MODE, mode(domain.resolve(DomainDirectory.LOCK_FILE)));
        assertNoTemporaryFiles(domain);
    }

    /** Run in a child JVM under a umask: makes a domain, a channel, the shared memory and pub/sub, and one plain file. */
    public static final class UmaskChild {
        public static void main(String[] args) throws IOException {
            Path domain = Path.of(args[0]);
            try (Comm comm = Comm.open(domain)) {
                Channel<String> ch = comm.channel("c", String.class);
                ch.send("made under umask " + args[2]);
                comm.sharedMemory().set("k", "v");
                comm.sharedMemory().publish("t", "hello");
            }
            Files.writeString(Path.of(args[1]), "plain file, default mode", StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"000", "077"})
    void modesHoldWhateverTheUmask(String umask) throws Exception {
        Path domain = dir.resolve("umask").resolve("domain");
        Path plain = dir.resolve("plain.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"",
                java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                UmaskChild.class.getName(), domain.toString(), plain.toString(), umask)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        Process child = builder.start();
        try {
            assertTrue(child.waitFor(45, TimeUnit.SECONDS), "child did not exit");
            assertEquals(0, child.exitValue(), () -> "child failed: " + readLog());
        } finally {
            child.destroyForcibly();
        }
        assertEquals("000".equals(umask) ? "rw-rw-rw-" : "rw-------", mode(plain), "the child really ran under umask " + umask);
        assertEquals(DIR_MODE, mode(domain));
        try (Stream<Path> files = Files.list(domain)) {
            List<Path> all = files.toList();
            assertTrue(all.size() >= 4, "channel, lock, shared memory and pub/sub files expected: " + all);
            for (Path file : all) {
                String expected = Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? DIR_MODE : FILE_MODE;
                assertEquals(expected, mode(file), file.toString());
            }
        }
        assertNoTemporaryFiles(domain);
        try (Comm comm = Comm.open(domain)) {
            assertEquals("made under umask " + umask, comm.channel("c", String.class).receive());
            assertEquals("v", comm.sharedMemory().get("k"));
        }
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void refusesASymlinkedDomainDirectory() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIR_MODE)));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertRefused(() -> Comm.open(link), link, "symbolic link");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertRefused(() -> Comm.open(dangling), dangling, "symbolic link");
        assertFalse(Files.exists(dir.resolve("nowhere")), "nothing created through the link");
        try (Stream<Path> files = Files.list(real)) {
            assertEquals(0, files.count(), "nothing created in the link's target");
        }
    }

    @Test
    void refusesASymlinkedMailboxFile() throws IOException {
        Path elsewhere = dir.resolve("elsewhere");
        try (Comm comm = Comm.open(elsewhere)) {
            comm.channel("target", String.class).send("secret");
        }
        Path domain = dir.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            Path link = Files.createSymbolicLink(domain.resolve("planted.chan"), elsewhere.resolve("target.chan"));
            assertRefused(() -> comm.channel("planted", String.class), link, "symbolic link");
            assertRefused(() -> comm.getChannel("planted"), link, "symbolic link");
            Path dangling = Files.createSymbolicLink(domain.resolve("dangling.chan"), dir.resolve("nowhere.chan"));
            assertRefused(() -> comm.channel("dangling", String.class), dangling, "symbolic link");
            assertFalse(Files.exists(dir.resolve("nowhere.chan")), "nothing created through the link");
        }
        try (Comm comm = Comm.open(elsewhere)) {
            assertEquals("secret", comm.channel("target", String.class).receive(), "target untouched");
        }
    }

    @Test
    void refusesGroupOrOtherWritableDomainDirectories() throws IOException {
        for (String loose : List.of("rwxrwx---", "rwx---rwx", "rwxrwxrwx", "rwx-w----")) {
            Path domain = Files.createDirectory(dir.resolve("loose-" + loose.replace('-', '_')));
            Files.setPosixFilePermissions(domain, PosixFilePermissions.fromString(loose));
            CommException e = assertRefused(() -> Comm.open(domain), domain, "writable by group or others");
            assertTrue(e.getMessage().contains(loose), "message shows the mode: " + e.getMessage());
            assertEquals(loose, mode(domain), "a refused directory is left as it was");
        }
    }

    @Test
    void acceptsAnExistingPrivateOrReadOnlySharedDirectory() throws IOException {
        Path domain = Files.createDirectory(dir.resolve("readable"));
        Files.setPosixFilePermissions(domain, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Comm comm = Comm.open(domain)) {
            comm.channel("c", String.class).send("x");
        }
        assertEquals(FILE_MODE, mode(domain.resolve("c.chan")));
    }

    @Test
    void refusesADomainPathThatIsNotADirectory() throws IOException {
        Path file = Files.createFile(dir.resolve("file"));
        assertRefused(() -> Comm.open(file), file, "not a directory");
    }

    @Test
    void refusesAMailboxPathThatIsNotARegularFile() throws IOException {
        Path domain = dir.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            Path sub = Files.createDirectory(domain.resolve("sub.chan"));
            assertRefused(() -> comm.channel("sub", String.class), sub, "not a regular file");
        }
    }

    @Test
    void refusesADomainOrFileOwnedByAnotherUser() throws IOException {
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(dir, "unix:uid")), "changing owners needs root");
        int nobody = 65534;
        Path foreign = Files.createDirectory(dir.resolve("foreign"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIR_MODE)));
        Files.setAttribute(foreign, "unix:uid", nobody, LinkOption.NOFOLLOW_LINKS);
        assertRefused(() -> Comm.open(foreign), foreign, "owned by another user");

        Path domain = dir.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            comm.channel("theirs", String.class);
        }
        Path file = domain.resolve("theirs.chan");
        Files.setAttribute(file, "unix:uid", nobody, LinkOption.NOFOLLOW_LINKS);
        try (Comm comm = Comm.open(domain)) {
            assertRefused(() -> comm.channel("theirs", String.class), file, "owned by another user");
        }
    }
}
