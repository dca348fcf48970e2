package io.litecomm;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The process-wide default domain of {@link Comm#current()} and the rules that name it. */
final class DefaultDomain {

    private static final Object LOCK = new Object();
    private static Comm current;

    private DefaultDomain() {
    }

    static Comm current() {
        synchronized (LOCK) {
            if (current == null || current.isClosed()) {
                String url = System.getenv(Comm.ENV_URL);
                current = url != null && !url.isEmpty() ? Comm.open(parseUri(url)) : Comm.open(directory());
            }
            return current;
        }
    }

    static URI parseUri(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad " + Comm.ENV_URL + ": value=" + url + " cause=" + e.getMessage(), e);
        }
    }

    static Path directory() {
        return directory(System.getenv(), Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")),
                System.getProperty("user.name"));
    }

    /** The default-directory rule, as a pure function. */
    static Path directory(Map<String, String> env, Path shm, Path tmp, String user) {
        String domain = env.get(Comm.ENV_DOMAIN);
        if (domain != null && !domain.isEmpty()) {
            return Path.of(domain);
        }
        String dir = env.get(Comm.ENV_DIR);
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir);
        }
        String leaf = "litecomm-" + user;
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve(leaf);
        }
        return tmp.resolve(leaf);
    }
}
