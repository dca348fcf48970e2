package io.litecomm.cli;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.mapped.mailbox.MailboxTransport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Where a domain is, which channels it holds, and what a channel name may be. */
final class Domains {

    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");
    /** A channel's dead-letter channel: its name plus this suffix, which may pass the 200 characters. */
    private static final String DEAD_SUFFIX = ".dead";

    private Domains() {
    }

    /**
     * The directory {@code Comm.current()} would use: the managing parent's domain, else
     * {@code $LITECOMM_DIR}, else {@code /dev/shm/litecomm-<user>} where {@code /dev/shm} is usable,
     * else {@code <tmpdir>/litecomm-<user>}.
     *
     * @param env the environment
     * @param shm the shared-memory directory, normally {@code /dev/shm}
     * @param tmp the temporary directory
     * @param user the user name
     * @return the directory
     */
    static Path defaultDirectory(Map<String, String> env, Path shm, Path tmp, String user) {
        for (String variable : List.of(Comm.ENV_DOMAIN, Comm.ENV_DIR)) {
            String value = env.get(variable);
            if (value != null && !value.isEmpty()) {
                return Path.of(value);
            }
        }
        String leaf = "litecomm-" + user;
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve(leaf);
        }
        return tmp.resolve(leaf);
    }

    /**
     * The default directory of this process.
     *
     * @return the directory
     */
    static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")),
                System.getProperty("user.name"));
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
     * Checks a channel name: names become file names, so only litecomm's alphabet passes.
     *
     * @param name the name
     * @return the name
     * @throws UsageException if it is not a valid channel name
     */
    /**
     * Checks the name of a channel the tool sends to or receives from through the public API, which
     * refuses the library's reserved names.
     */
    static String checkUserName(String name) {
        if (name.endsWith(ProcessManager.CONTROL_SUFFIX)) {
            throw new UsageException("reserved channel name: '" + name + "' (names ending in " + ProcessManager.CONTROL_SUFFIX
                    + " are a managed child's control channel)");
        }
        return checkName(name);
    }

    static String checkName(String name) {
        String base = name.endsWith(DEAD_SUFFIX) && name.length() > DEAD_SUFFIX.length()
                ? name.substring(0, name.length() - DEAD_SUFFIX.length()) : name;
        if (!VALID_NAME.matcher(base).matches()) {
            throw new UsageException("invalid channel name: '" + name
                    + "' (1 to 200 of [A-Za-z0-9._-], not starting with '.' or '-')");
        }
        return name;
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
        return dir.resolve(listed + MailboxTransport.SUFFIX);
    }

    /**
     * The channels of a domain: its {@code *.chan} files not starting with a dot.
     *
     * @param dir the domain
     * @return names, sorted
     * @throws Failure if the directory cannot be read
     */
    static List<String> channelNames(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + MailboxTransport.SUFFIX)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (!fileName.startsWith(".")) {
                    names.add(fileName.substring(0, fileName.length() - MailboxTransport.SUFFIX.length()));
                }
            }
        } catch (IOException e) {
            throw new Failure("cannot list domain: dir=" + dir + " cause=" + e, e);
        }
        Collections.sort(names);
        return names;
    }
}
