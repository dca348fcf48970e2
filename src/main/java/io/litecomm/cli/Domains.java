package io.litecomm.cli;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.mapped.inspect.DomainFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a domain is, which channels it holds, and what a channel name may be: the library's own
 * rules ({@link Comm#defaultDirectory()}, {@link Comm#checkChannelName(String)}) and file names
 * ({@link DomainFiles}), worded for the command line.
 */
final class Domains {

    private Domains() {
    }

    /**
     * The directory {@code Comm.current()} would use: {@code $LITECOMM_URL} if set (the tool reads
     * mapped-file domains only, so it must be a {@code file:} URI), else {@link Comm#defaultDirectory()}.
     *
     * @param env the environment
     * @return the directory
     * @throws Failure if {@code $LITECOMM_URL} names a domain that is not a directory of files
     */
    static Path defaultDirectory(Map<String, String> env) {
        String url = env.get(Comm.ENV_URL);
        if (url == null || url.isEmpty()) {
            return Comm.defaultDirectory();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Failure("bad " + Comm.ENV_URL + ": value=" + url + " cause=" + e.getMessage());
        }
        if (!DomainFiles.SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new Failure("not a directory domain: " + Comm.ENV_URL + "=" + url
                    + " (the tool reads file: domains; give one with --dir DIR)");
        }
        try {
            return DomainFiles.directoryOf(uri);
        } catch (IllegalArgumentException e) {
            throw new Failure("bad " + Comm.ENV_URL + ": " + e.getMessage());
        }
    }

    /**
     * The default directory of this process.
     *
     * @return the directory
     */
    static Path defaultDirectory() {
        return defaultDirectory(System.getenv());
    }

    /**
     * The default directory for the help text: the directory, or why there is none.
     *
     * @return a path or a sentence
     */
    static String describeDefault() {
        try {
            return defaultDirectory().toString();
        } catch (Failure e) {
            return e.getMessage();
        }
    }

    /**
     * Checks the domain directory exists, so that inspecting never creates one.
     *
     * @param dir the directory
     * @return its absolute path
     * @throws Failure if it is missing or not a directory
     */
    static Path requireExisting(Path dir) {
        Path path = dir.toAbsolutePath().normalize();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new Failure("no such domain directory: dir=" + path);
        }
        if (!Files.isDirectory(path)) {
            throw new Failure("not a directory: dir=" + path);
        }
        return path;
    }

    /**
     * Checks the name of a channel the tool sends to or receives from through the public API, which
     * refuses the library's reserved names.
     *
     * @param name the name
     * @return the name
     * @throws UsageException if it is not a valid channel name, or a reserved one
     */
    static String checkUserName(String name) {
        if (name.endsWith(ProcessManager.CONTROL_SUFFIX)) {
            throw new UsageException("reserved channel name: '" + name + "' (names ending in " + ProcessManager.CONTROL_SUFFIX
                    + " are a managed child's control channel)");
        }
        return checkName(name);
    }

    /**
     * Checks a channel name with the library's rule: names become file names, so only litecomm's
     * alphabet passes.
     *
     * @param name the name
     * @return the name
     * @throws UsageException if it is not a valid channel name
     */
    static String checkName(String name) {
        try {
            return Comm.checkChannelName(name);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int rule = message.indexOf(" rule=");
            throw new UsageException("invalid channel name: '" + name + "'"
                    + (rule < 0 ? " (" + message + ")" : " (" + message.substring(rule + " rule=".length()) + ")"));
        }
    }

    /**
     * The mailbox file of a channel.
     *
     * @param dir the domain
     * @param name the channel
     * @return its path
     */
    static Path channelFile(Path dir, String name) {
        return fileOf(dir, checkName(name));
    }

    /**
     * The file of a channel found by {@link #channelNames}, whatever its name.
     *
     * @param dir the domain
     * @param listed a name as listed
     * @return its path
     */
    static Path fileOf(Path dir, String listed) {
        return DomainFiles.channelFile(dir, listed);
    }

    /**
     * The channels of a domain: its {@code *.chan} files not starting with a dot.
     *
     * @param dir the domain
     * @return names, sorted
     * @throws Failure if the directory cannot be read
     */
    static List<String> channelNames(Path dir) {
        try {
            return DomainFiles.channelNames(dir);
        } catch (IOException e) {
            throw new Failure("cannot list domain: dir=" + dir + " cause=" + e, e);
        }
    }
}
