package io.litecomm.mapped.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** File identity (device and inode, as the file system reports it) of mapped files. */
public final class FileKeys {

    private FileKeys() {
    }

    /**
     * Whether a name now refers to another file than the one with {@code fileKey}, or to none
     * (deleted, maybe re-created). The name is not followed if it is a link.
     *
     * @param file the name
     * @param fileKey the key of the file opened under it, or {@code null} if unknown
     * @return {@code true} if replaced, gone, unreadable, or the key is unknown
     */
    public static boolean replaced(Path file, Object fileKey) {
        try {
            Object current = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return fileKey == null || !fileKey.equals(current);
        } catch (IOException e) {
            return true;
        }
    }
}
