package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.RedisTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * rediss:// (TLS) and redis://user:password@ (ACL users): an ACL user allowed only its domain's keys and
 * channels can run a domain; a wrong password fails naming the server, never the password; a TLS server is
 * reached through rediss:// by a process that trusts its certificate.
 */
class RedisSecurityTest {

    private static final String PASSWORD = "s3cret:/@?#%pw";

    private final RedisTestServer server = RedisTestServer.get();
    private final URI plain = server.uniqueDomain("security");
    private final String domain = RedisTestServer.domainOf(plain);
    private final String user = "lc-" + domain;

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        try (Jedis jedis = server.jedis()) {
            jedis.aclDelUser(user);
        }
        assertEquals(List.of(), server.strayKeys());
        server.dropDomain(domain);
    }

    private URI withCredentials(String password) {
        String info = URLEncoder.encode(user, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create("redis://" + info + "@" + server.host() + ":" + server.port() + "/" + domain);
    }

    @Test
    void anAclUserConfinedToTheDomainsPrefixRunsTheDomain() {
        try (Jedis jedis = server.jedis()) {
            jedis.aclSetUser(user, "reset", "on", ">" + PASSWORD, "~litecomm:{" + domain + "}:*",
                    "&litecomm:{" + domain + "}:*", "+@all", "-@admin", "-@dangerous", "+client|setname");
        }
        try (Comm a = Comm.open(withCredentials(PASSWORD)); Comm b = Comm.open(withCredentials(PASSWORD))) {
            Channel<String> out = a.channel("greetings", String.class);
            Channel<String> in = b.channel("greetings", String.class);
            out.send("hello");
            assertEquals("hello", in.receive(Duration.ofSeconds(10)).orElseThrow());
            assertFalse(a.uri().toString().contains(PASSWORD), "Comm.uri() shows no password: " + a.uri());
            assertEquals("redis://" + server.host() + ":" + server.port() + "/" + domain, a.uri().toString());
        }
        try (Jedis jedis = server.jedis()) {
            List<String> keys = new ArrayList<>(server.allKeys());
            keys.removeIf(key -> !key.contains(domain));
            assertFalse(keys.isEmpty());
            for (String key : keys) {
                assertTrue(key.startsWith("litecomm:{" + domain + "}:"), "a key outside the domain's prefix: " + key);
            }
        }
    }

    @Test
    void aWrongPasswordFailsNamingTheServerAndNeverThePassword() {
        try (Jedis jedis = server.jedis()) {
            jedis.aclSetUser(user, "reset", "on", ">" + PASSWORD, "~litecomm:{" + domain + "}:*",
                    "&litecomm:{" + domain + "}:*", "+@all");
        }
        String wrong = "not-" + PASSWORD;
        CommException refused = assertThrows(CommException.class, () -> Comm.open(withCredentials(wrong)).close());
        String message = String.valueOf(refused.getMessage());
        for (Throwable t = refused; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(wrong), "the password shows in: " + t);
        }
        assertTrue(message.contains("redis://" + server.host() + ":" + server.port()), "names the server: " + message);
    }

    @Test
    void aTlsServerIsReachedThroughRediss() throws Exception {
        Path binary = Path.of("/usr/bin/redis-server");
        Assumptions.assumeTrue(Files.isExecutable(binary) || !"true".equals(System.getenv("CI")),
                "redis-server is needed for the TLS test");
        Path ca = dir.resolve("ca");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=litecomm-test-ca",
                "-keyout", ca + ".key", "-out", ca + ".crt");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
        run(dir, "keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", ca + ".crt", "-keystore", "trust.p12",
                "-storetype", "PKCS12", "-storepass", "changeit");
        int port = freePort();
        Process tls = new ProcessBuilder(binary.toString(), "--port", "0", "--tls-port", Integer.toString(port), "--bind",
                "127.0.0.1", "--tls-cert-file", "server.crt", "--tls-key-file", "server.key", "--tls-ca-cert-file",
                ca + ".crt", "--tls-auth-clients", "no", "--save", "", "--appendonly", "no")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            URI uri = URI.create("rediss://127.0.0.1:" + port + "/tls-" + ProcessHandle.current().pid());
            try (ChildJvm child = ChildJvm.start(dir, Map.of("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore="
                    + dir.resolve("trust.p12") + " -Djavax.net.ssl.trustStorePassword=changeit"), TlsChild.class,
                    uri.toString())) {
                child.awaitSuccess(Duration.ofSeconds(60));
                assertTrue(child.output().contains("tls round trip ok"), child.output());
            }
        } finally {
            tls.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tools.log").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError("failed: " + String.join(" ", command) + "\n" + Files.readString(dir.resolve("tools.log")));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Opens a rediss:// domain twice, sends and receives one message, prints the outcome. */
    public static final class TlsChild {
        private TlsChild() {
        }

        /**
         * Runs the round trip.
         *
         * @param args the rediss:// URI
         */
        public static void main(String[] args) {
            ChildJvm.haltWhenParentGone();
            URI uri = URI.create(args[0]);
            try (Comm a = Comm.open(uri); Comm b = Comm.open(uri)) {
                a.channel("tls", String.class).send("over tls");
                String got = b.channel("tls", String.class).receive(Duration.ofSeconds(20)).orElseThrow();
                a.delete("tls");
                System.out.println(got.equals("over tls") ? "tls round trip ok" : "wrong message: " + got);
            }
        }
    }
}
