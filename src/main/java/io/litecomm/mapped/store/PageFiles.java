package io.litecomm.mapped.store;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which file holds the page's name: whether it is still the one a process mapped, and opening
 * the one a compaction renamed over it.
 */
final class PageFiles {

    private PageFiles() {
    }

    /**
     * Whether the page's name now holds another file than {@code page} (or none).
     *
     * @param file the page's name
     * @param page the file mapped
     * @return {@code true} if replaced
     */
    static boolean replacedOnDisk(Path file, PageFile page) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return !key.equals(page.fileKey());
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new TransportException("cannot read attributes: file=" + file + " cause=" + e, e);
        }
    }

    /**
     * Opens and maps the file now named {@code file}, which replaced a sealed one. Call holding no
     * file lock.
     *
     * @param domain the domain
     * @param file the page's name
     * @return the mapped file
     * @throws CorruptStorageException if no file has the name, or it keeps being replaced
     */
    static PageFile openReplacement(DomainDirectory domain, Path file) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try {
                domain.checkFile(file);
            } catch (NoSuchFileException e) {
                throw new CorruptStorageException(file.toString(), "page sealed for replacement but no file has its name");
            }
            PageFile next = StoragePages.openFile(file);
            if (next != null) {
                return next;
            }
        }
        throw new CorruptStorageException(file.toString(), "page keeps being replaced while being opened");
    }
}
