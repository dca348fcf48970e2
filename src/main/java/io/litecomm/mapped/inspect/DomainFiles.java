package io.litecomm.mapped.inspect;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The names of the files of a mapped domain: one definition, used by the transport and by
 * inspection tools. A channel {@code NAME} is the file {@code NAME.chan}; the shared-memory page
 * and the pub/sub ring have fixed names. Hidden files (a leading dot) are litecomm's own
 * temporary and lock files.
 */
public final class DomainFiles {

    /** Suffix of a channel's mailbox file. */
    public static final String CHANNEL_SUFFIX = ".chan";
    /** File name of the shared-memory page. */
    public static final String STORAGE_PAGE = "storage.page";
    /** File name of the pub/sub ring. */
    public static final String PUBSUB_RING = "pubsub.ring";
    /** The URI scheme of a domain that is a directory of these files. */
    public static final String SCHEME = "file";

    private DomainFiles() {
    }

    /**
     * The directory a {@code file:} URI names: {@code file:///abs/path}, or {@code file:relative/path}
     * (relative to the working directory); a query holds settings and is not part of the path.
     *
     * @param uri the URI
     * @return the directory, absolute and normalised
     * @throws IllegalArgumentException if it is not a {@code file:} URI of a local directory
     */
    public static Path directoryOf(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a file: URI: uri=" + uri);
        }
        if (uri.getRawFragment() != null || uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("a file: URI names a local directory, without host or fragment: uri=" + uri);
        }
        if (uri.isOpaque()) {
            String part = uri.getSchemeSpecificPart();
            int query = part.indexOf('?');
            return Path.of(query < 0 ? part : part.substring(0, query)).toAbsolutePath().normalize();
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("a file: URI needs a path: uri=" + uri);
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /**
     * The mailbox file of a channel.
     *
     * @param dir the domain directory
     * @param name the channel (not checked here)
     * @return its path
     */
    public static Path channelFile(Path dir, String name) {
        return dir.resolve(name + CHANNEL_SUFFIX);
    }

    /**
     * The channel a mailbox file holds: its file name without {@link #CHANNEL_SUFFIX}.
     *
     * @param file a mailbox file
     * @return the channel's name
     */
    public static String channelName(Path file) {
        String fileName = file.getFileName().toString();
        return fileName.endsWith(CHANNEL_SUFFIX)
                ? fileName.substring(0, fileName.length() - CHANNEL_SUFFIX.length()) : fileName;
    }

    /**
     * The channels of a domain: its {@code *.chan} files not starting with a dot.
     *
     * @param dir the domain directory
     * @return names, sorted
     * @throws IOException if the directory cannot be read
     */
    public static List<String> channelNames(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + CHANNEL_SUFFIX)) {
            for (Path file : files) {
                if (!file.getFileName().toString().startsWith(".")) {
                    names.add(channelName(file));
                }
            }
        }
        Collections.sort(names);
        return names;
    }
}
