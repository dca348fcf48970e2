package io.litecomm.cli;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.mapped.inspect.DomainFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a domain is, which channels it holds, and what a channel name may be: the library's own
 * rules ({@code $LITECOMM_URL}, {@link Comm#defaultDirectory()}, {@link Comm#checkChannelName(String)})
 * and file names ({@link DomainFiles}), worded for the command line.
 */
final class Domains {

    /** The in-memory transport's scheme, which the tool refuses. */
    private static final String MEMORY_SCHEME = "mem";

    private Domains() {
    }

    /**
     * The domain a command works on: a directory of mapped files ({@code directory}), or the URI of
     * another transport, such as {@code redis://host:port/NAME} ({@code uri}); exactly one is set.
     *
     * @param directory the directory, or {@code null}
     * @param uri the URI, or {@code null}
     */
    record Target(Path directory, URI uri) {
    }

    /**
     * The domain of a command line: {@code --dir DIR}, else {@code --url URI}, else the one
     * {@code Comm.current()} would open: {@code $LITECOMM_URL} if set, else
     * {@link Comm#defaultDirectory()}. A {@code file:} URI is its directory; a {@code mem:} URI is
     * refused (it lives in one JVM's memory, which the tool cannot see).
     *
     * @param dir the value of {@code --dir}
     * @param url the value of {@code --url}
     * @param env the environment
     * @return the domain
     * @throws UsageException if both options are given, or {@code --url} is malformed or {@code mem:}
     * @throws Failure if {@code $LITECOMM_URL} is malformed or {@code mem:}
     */
    static Target target(Optional<String> dir, Optional<String> url, Map<String, String> env) {
        if (dir.isPresent() && url.isPresent()) {
            throw new UsageException("give --dir DIR or --url URI, not both");
        }
        if (dir.isPresent()) {
            return new Target(Path.of(dir.get()), null);
        }
        if (url.isPresent()) {
            return fromUri(url.get(), "--url", UsageException::new);
        }
        String fromEnv = env.get(Comm.ENV_URL);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromUri(fromEnv, Comm.ENV_URL, Failure::new);
        }
        return new Target(Comm.defaultDirectory(), null);
    }

    private static Target fromUri(String text, String source, Function<String, RuntimeException> error) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw error.apply("bad " + source + ": not a URI: value=" + shown(text) + " cause=" + scrub(e.getReason(), text));
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw error.apply("bad " + source + ": a domain URI needs a scheme (file:, redis://): value=" + shown(uri));
        }
        if (DomainFiles.SCHEME.equalsIgnoreCase(scheme)) {
            try {
                return new Target(DomainFiles.directoryOf(uri), null);
            } catch (IllegalArgumentException e) {
                throw error.apply("bad " + source + ": " + e.getMessage());
            }
        }
        if (MEMORY_SCHEME.equalsIgnoreCase(scheme)) {
            throw error.apply("not a shared domain: " + source + (source.startsWith("--") ? " " : "=") + shown(uri)
                    + " (a mem: domain lives in the memory of one JVM, which no other process sees;"
                    + " the tool works on file: and redis:// domains: give --dir DIR or --url URI)");
        }
        return new Target(null, uri);
    }

    /**
     * A URI for messages and output: a password in it is shown as {@code ***}.
     *
     * @param uri the URI
     * @return its text without the password
     */
    static String shown(URI uri) {
        return shown(uri.toString());
    }

    private static String shown(String text) {
        String password = password(text);
        return password == null ? text : text.replace(":" + password + "@", ":***@");
    }

    /**
     * A message with any password of {@code uri} replaced by {@code ***}, raw or decoded.
     *
     * @param message the message, may be {@code null}
     * @param uri the domain's URI, may be {@code null}
     * @return the message without the password
     */
    static String scrub(String message, URI uri) {
        return uri == null ? message : scrub(message, uri.toString());
    }

    private static String scrub(String message, String uriText) {
        String password = password(uriText);
        if (message == null || password == null) {
            return message;
        }
        String scrubbed = message.replace(password, "***");
        String decoded;
        try {
            decoded = URLDecoder.decode(password, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return scrubbed;
        }
        return decoded.isEmpty() ? scrubbed : scrubbed.replace(decoded, "***");
    }

    /** The raw password of {@code scheme://user:password@host...}, or {@code null}. */
    private static String password(String uriText) {
        int scheme = uriText.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int start = scheme + 3;
        int end = uriText.length();
        for (char stop : new char[] {'/', '?', '#'}) {
            int at = uriText.indexOf(stop, start);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        int at = uriText.lastIndexOf('@', end - 1);
        if (at < start) {
            return null;
        }
        int colon = uriText.indexOf(':', start);
        if (colon < 0 || colon >= at || colon + 1 == at) {
            return null;
        }
        return uriText.substring(colon + 1, at);
    }

    /**
     * The domain {@code Comm.current()} would open, for the help text: a directory, a URI, or why
     * there is none.
     *
     * @return a path, a URI or a sentence
     */
    static String describeDefault() {
        try {
            Target target = target(Optional.empty(), Optional.empty(), System.getenv());
            return target.directory() != null ? target.directory().toString() : shown(target.uri());
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
