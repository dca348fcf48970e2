package io.litecomm.cli;

import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Domains filled by another process ({@link DomainFiller}), made once per test class and copied
 * for each test, so that every test starts from the same files without paying for a child JVM.
 */
final class FilledDomain {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private FilledDomain() {
    }

    /**
     * Fills a new domain in a child JVM that then exits.
     *
     * @param dir where the domain goes
     * @param logs where the child's output goes
     * @return the domain
     */
    static Path fill(Path dir, Path logs) {
        try (ChildJvm filler = ChildJvm.start(logs, DomainFiller.class, "fill", dir.toString())) {
            filler.awaitSuccess(WAIT);
        }
        return dir;
    }

    /**
     * Copies a filled domain's files (mode {@code 0600}) into a new directory (mode {@code 0700}).
     *
     * @param template the filled domain, no longer in use
     * @param target the new domain
     * @return the new domain
     */
    static Path copy(Path template, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Files.createDirectory(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (Stream<Path> files = Files.list(template)) {
                for (Path file : files.toList()) {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        Path copy = target.resolve(file.getFileName());
                        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
