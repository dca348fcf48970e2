package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.RedisTestServer;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application as users build it, in a JVM of its own: with the embedded default only (no Jedis
 * on its class path) it works on {@code file:} and a {@code redis://} URI fails with a message that
 * names the artifact to add, never the password; with Jedis but without its commons-pool2 it fails
 * naming both.
 */
@Timeout(120)
class RedisWithoutJedisTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Jedis and what it brings (mvn dependency:tree): none of it is on an embedded-default application's path. */
    private static final List<String> JEDIS_AND_ITS_DEPENDENCIES = List.of("jedis-", "commons-pool2-", "json-",
            "gson-", "redis-authx-core-", "error_prone_annotations-");

    @TempDir
    Path dir;

    @Test
    void withoutJedisRedisUrisAreRefusedNamingTheArtifact() {
        List<String> classPath = UserJvm.classPath(entry -> JEDIS_AND_ITS_DEPENDENCIES.stream().noneMatch(entry::startsWith));
        assertTrue(classPath.stream().anyMatch(p -> p.endsWith("classes")), "no target/classes: " + classPath);
        // no server is needed: the missing client is found before any connection
        String uri = "redis://app:s3cret@127.0.0.1:1/nojedis";
        String out = run(classPath, uri);
        assertTrue(out.contains("file: sent and received hello"), out);
        assertTrue(out.contains("refused: io.litecomm.CommException"), out);
        assertTrue(out.contains("the Redis transport needs Jedis: add redis.clients:jedis (8.0.x) to the class or"
                + " module path"), out);
        assertTrue(out.contains("127.0.0.1:1/nojedis"), "the message names the server and domain: " + out);
        assertFalse(out.contains("s3cret"), "the password must never be shown: " + out);
        assertFalse(out.contains("NoClassDefFoundError"), out);
    }

    @Test
    void jedisWithoutCommonsPoolIsRefusedNamingBoth() {
        RedisTestServer server = RedisTestServer.get();
        List<String> classPath = UserJvm.classPath(entry -> !entry.startsWith("commons-pool2-"));
        assertTrue(classPath.stream().anyMatch(p -> UserJvm.fileName(p).startsWith("jedis-")), "no Jedis: " + classPath);
        String uri = "redis://app:s3cret@" + server.host() + ":" + server.port() + "/nopool";
        String out = run(classPath, uri);
        assertTrue(out.contains("refused: io.litecomm.CommException"), out);
        assertTrue(out.contains("the Redis transport needs Jedis and its dependencies (commons-pool2): add"
                + " redis.clients:jedis (8.0.x)"), out);
        assertTrue(out.contains("org/apache/commons/pool2"), "the message names the missing class: " + out);
        assertFalse(out.contains("s3cret"), "the password must never be shown: " + out);
        assertEquals(List.of(), server.strayKeys());
    }

    /** Runs {@link App} with the class path and returns its output, after a successful exit. */
    private String run(List<String> classPath, String uri) {
        try (UserJvm app = UserJvm.start(dir.resolve("logs"), Map.of(), List.of("-cp",
                String.join(File.pathSeparator, classPath), App.class.getName(), dir.resolve("domain").toString(), uri))) {
            assertEquals(0, app.awaitExit(WAIT), app.describe());
            return app.output();
        }
    }

    /**
     * The application: a {@code file:} domain (the embedded default) in {@code args[0]}, then the
     * {@code redis://} URI {@code args[1]}; prints what happened, exits 0 unless something
     * unexpected did.
     */
    public static final class App {

        private App() {
        }

        /**
         * Runs the application.
         *
         * @param args the domain directory and the Redis URI
         */
        public static void main(String[] args) {
            ChildJvm.haltWhenParentGone();
            try (Comm comm = Comm.open(Path.of(args[0]))) {
                Channel<String> channel = comm.channel("jobs", String.class);
                channel.send("hello");
                System.out.println("file: sent and received " + channel.receive(Duration.ofSeconds(10)).orElse("nothing"));
            }
            try (Comm comm = Comm.open(URI.create(args[1]))) {
                System.out.println("opened " + comm + ": Jedis was not missing");
                System.exit(3);
            } catch (CommException e) {
                System.out.println("refused: " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }
}
