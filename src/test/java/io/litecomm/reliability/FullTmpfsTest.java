package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #9, a full tmpfs: mounts a 1 MiB tmpfs (root only; skipped with the reason
 * otherwise) and runs {@link FullDiskChild} on it in its own JVM, so a SIGBUS could only kill the
 * child. Passes when creating channels until the disk is full fails in the {@code channel(...)}
 * call with a {@code CommException} naming the file, growing shared memory past the space and
 * creating a store on the full disk fail the same way, nothing half-made is visible, and
 * everything committed before is still readable, by the child and then by this process.
 */
@Timeout(300)
class FullTmpfsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Runs a command; returns {@code null} on success, else what went wrong. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + ": timed out";
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + process.exitValue() + ": " + out;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Test
    void aFullTmpfsFailsAtCallTimeAndKeepsWhatWasCommitted() throws IOException {
        Assumptions.assumeTrue(isRoot(), "needs root to mount a tmpfs; running as user " + System.getProperty("user.name"));
        Path mount = Files.createDirectory(dir.resolve("tmpfs"));
        String mountError = run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mount.toString());
        Assumptions.assumeTrue(mountError == null, () -> "cannot mount a tmpfs here: " + mountError);
        List<String> figures = new ArrayList<>();
        try {
            Path domain = mount.resolve("d");
            int channels;
            try (ChildJvm child = ChildJvm.start(dir.resolve("logs"), FullDiskChild.class, domain.toString(),
                    mount.resolve("other").toString())) {
                child.awaitSuccess(WAIT);
                channels = Integer.parseInt(ReliabilitySupport.lineAfter(child, "ALL-OK channels="));
                figures.add(ReliabilitySupport.lineAfter(child, "CREATE-FAILED "));
                figures.add(ReliabilitySupport.lineAfter(child, "GROW-FAILED "));
                figures.add(ReliabilitySupport.lineAfter(child, "PAGE-CREATE-FAILED "));
            }
            assertTrue(channels >= 5 && channels < 14, "a 1 MiB tmpfs holds about 12 channels of 72 KiB: " + channels);
            try (Comm comm = Comm.open(domain, FullDiskChild.OPTIONS)) {
                for (int i = 0; i < channels; i++) {
                    assertEquals("message-" + i, comm.channel("c" + i, String.class, FullDiskChild.CHANNEL)
                            .receive(WAIT).orElseThrow(), "channel c" + i);
                }
                Map<String, Object> expected = new TreeMap<>(FullDiskChild.keys());
                expected.put("small", 1);
                assertEquals(expected, new TreeMap<>(comm.sharedMemory().getAll()));
            }
        } finally {
            if (run("umount", mount.toString()) != null) {
                // this JVM cannot unmap its mappings of the tmpfs deterministically: detach it now
                String lazy = run("umount", "-l", mount.toString());
                assertEquals(null, lazy, "could not unmount " + mount);
            }
        }
        System.out.println("RELIABILITY #9 " + String.join(" | ", figures));
    }
}
