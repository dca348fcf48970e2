package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.testing.ChildJvm;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Domains by URI: the provider lookup, settings, and the environment children get. */
class CommUriTest {

    @TempDir
    Path dir;

    @Test
    void aFileUriAndAPathOpenTheSameDomain() {
        Path domain = dir.resolve("d");
        try (Comm byPath = Comm.open(domain);
                Comm byUri = Comm.open(URI.create("file://" + domain + "?recoveryTimeout=PT1S"))) {
            byPath.channel("c", String.class).send("hello");
            assertEquals("hello", byUri.channel("c", String.class).receive(Duration.ofSeconds(5)).orElseThrow());
            assertEquals(domain.toAbsolutePath(), byUri.directory());
            assertEquals("file", byUri.uri().getScheme());
            assertTrue(byUri.uri().toString().endsWith("?recoveryTimeout=PT1S"), byUri.uri().toString());
        }
    }

    @Test
    void anUnknownSchemeNamesTheSchemeAndTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("nats://localhost/x")));
        assertTrue(e.getMessage().contains("scheme=nats"), e.getMessage());
        assertTrue(e.getMessage().contains("file"), e.getMessage());
    }

    @Test
    void anUnreachableRedisServerIsNamed() {
        // without Jedis on the class path: RedisWithoutJedisTest, in a JVM of its own
        CommException e = assertThrows(CommException.class,
                () -> Comm.open(URI.create("redis://127.0.0.1:1/app?connectTimeout=500")));
        assertTrue(e.getMessage().contains("server=redis://127.0.0.1:1"), e.getMessage());
    }

    @Test
    void aUriWithoutSchemeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("some/dir")));
        assertTrue(e.getMessage().contains("scheme"), e.getMessage());
    }

    @Test
    void anUnknownOrMalformedSettingIsRefusedByName() {
        URI base = dir.resolve("s").toUri();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create(base + "?ringSize=5")));
        assertTrue(unknown.getMessage().contains("setting=ringSize"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create(base + "?pubSubCapacity=1000")));
        assertTrue(bad.getMessage().contains("setting=pubSubCapacity value=1000"), bad.getMessage());
        IllegalArgumentException inCode = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(dir.resolve("s"), CommOptions.builder().setting("colour", "red").build()));
        assertTrue(inCode.getMessage().contains("setting=colour"), inCode.getMessage());
        assertTrue(Files.notExists(dir.resolve("s")), "a refused open creates nothing");
    }

    @Test
    void aSettingInTheUriIsApplied() throws Exception {
        Path domain = dir.resolve("p");
        try (Comm comm = Comm.open(URI.create(domain.toUri() + "?pubSubCapacity=4096"))) {
            comm.sharedMemory().publish("t", "x");
        }
        // the ring file is the ring's capacity plus its header: far below the 1 MiB default
        long ring = Files.size(domain.resolve("pubsub.ring"));
        assertTrue(ring < 64 * 1024, "ring file length=" + ring);
    }

    @Test
    void aFileUriWithAHostIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("file://otherhost/dev/shm/x")));
        assertTrue(e.getMessage().contains("uri=file://otherhost/dev/shm/x"), e.getMessage());
    }

    @Test
    void childrenGetTheDomainAsAUrl() {
        Path domain = dir.resolve("env");
        try (Comm comm = Comm.open(domain)) {
            Map<String, String> env = comm.childEnvironment();
            assertEquals(comm.uri().toString(), env.get(Comm.ENV_URL));
            assertEquals(Path.of(URI.create(env.get(Comm.ENV_URL))), domain.toAbsolutePath());
        }
    }

    @Test
    void currentReadsLitecommUrlBeforeLitecommDir() throws Exception {
        Path viaUrl = dir.resolve("via-url");
        Path viaDir = dir.resolve("via-dir");
        try (Comm comm = Comm.open(viaUrl);
                ChildJvm child = ChildJvm.start(dir, Map.of(Comm.ENV_URL, viaUrl.toUri().toString(), Comm.ENV_DIR,
                        viaDir.toString()), CurrentChild.class)) {
            child.awaitSuccess(Duration.ofSeconds(60));
            assertEquals("from the child", comm.channel("current", String.class).tryReceive().orElseThrow());
            assertTrue(Files.notExists(viaDir), "LITECOMM_DIR was used although LITECOMM_URL is set");
        }
    }

    /** A child that sends one message on its default domain. */
    public static final class CurrentChild {
        private CurrentChild() {
        }

        /**
         * Sends on {@code Comm.current()}.
         *
         * @param args none
         */
        public static void main(String[] args) {
            try (Comm comm = Comm.current()) {
                comm.channel("current", String.class).send("from the child");
            }
        }
    }

    @Test
    void aPasswordInAnUnknownSchemesUriIsNotInTheMessage() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Comm.open(URI.create("nats://user:hunter2@example.org/bot")));
        assertTrue(refused.getMessage().contains("uri=nats://user:***@example.org/bot"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("hunter2"), refused.getMessage());
    }
}
