package io.litecomm.redis;

import static io.litecomm.redis.RedisFaultSupport.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.process.EchoChild;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.RedisTestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 13 item 2 (tested as item 6 asks): processes on different hosts, simulated by processes
 * that share no directory (their own {@code java.io.tmpdir} and working directory, no
 * {@code LITECOMM_DIR}) and, where the machine allows, sit in a network namespace of their own
 * that reaches the server over a veth pair. A child started by hand with {@code LITECOMM_URL} and
 * {@code LITECOMM_PROCESS_NAME} gets its {@code -active} and {@code -passive} channels; a child of
 * a {@code ProcessManager} on a redis domain inherits the URI, password included.
 */
@Timeout(120)
class RedisAcrossHostsTest {

    @TempDir
    Path dir;

    /** A "host": a directory of its own for the child's temporary files and working directory. */
    private List<String> hostWrapper(Path host, List<String> before) throws IOException {
        Files.createDirectories(host.resolve("tmp"));
        Files.createDirectories(host.resolve("work"));
        List<String> wrapper = new ArrayList<>(before);
        wrapper.addAll(List.of("env", "-u", "LITECOMM_DIR", "-u", "LITECOMM_DOMAIN", "-C", host.resolve("work").toString()));
        return wrapper;
    }

    private static Map<String, String> workerEnvironment(URI uri, Path host) {
        return Map.of("LITECOMM_URL", uri.toString(), "LITECOMM_PROCESS_NAME", "worker",
                "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + host.resolve("tmp"));
    }

    /** The worker answers on its channels, as a managed child would; nothing litecomm is left on its "host". */
    private static void talkToWorker(Comm comm, ChildJvm worker, Path host) throws IOException {
        Channel<String> replies = comm.channel("worker-replies", String.class);
        Optional<String> ready = replies.receive(WAIT);
        assertEquals(Optional.of("ready " + worker.process().pid()), ready, worker.output());
        Channel<String> active = comm.channel("worker-active", String.class);
        Channel<String> passive = comm.channel("worker-passive", String.class);
        active.send("across");
        assertEquals(Optional.of("echo across"), replies.receive(WAIT), worker.output());
        passive.send("log:by the passive channel");
        worker.awaitOutput("passive got by the passive channel", WAIT);
        active.send("exit");
        worker.awaitSuccess(WAIT);
        try (Stream<Path> left = Files.walk(host)) {
            List<String> litecomm = left.map(Path::toString).filter(p -> p.contains("litecomm")).toList();
            assertEquals(List.of(), litecomm, "the worker wrote litecomm files on its own host");
        }
    }

    @Test
    void aWorkerStartedByHandWithTheUrlGetsItsChannels() throws IOException {
        RedisTestServer server = RedisTestServer.get();
        URI uri = server.uniqueDomain("byhand");
        Path host = dir.resolve("host-b");
        try (Comm comm = Comm.open(uri);
             ChildJvm worker = ChildJvm.start(dir.resolve("logs"), hostWrapper(host, List.of()),
                     workerEnvironment(uri, host), EchoChild.class)) {
            talkToWorker(comm, worker, host);
        } finally {
            assertEquals(List.of(), server.strayKeys());
            server.dropDomain(RedisTestServer.domainOf(uri));
        }
    }

    /**
     * A {@code ProcessManager} on a redis domain of a server with a password: its child opens the
     * same domain (the URI with its password comes through the environment) and echoes.
     */
    @Test
    void aProcessManagerChildInheritsTheRedisUri() {
        String password = "pm-Pw-0419";
        try (RedisFaultSupport.OwnServer server = new RedisFaultSupport.OwnServer("127.0.0.1", password).start();
             Comm comm = Comm.open(URI.create("redis://:" + password + "@127.0.0.1:" + server.port() + "/managed"));
             ProcessManager processes = new ProcessManager(comm)) {
            processes.add("echo", EchoChild.class);
            Channel<String> replies = comm.channel("echo-replies", String.class);
            processes.start("echo");
            assertEquals(Optional.of("ready " + processes.pid("echo").getAsLong()), replies.receive(WAIT));
            Channel<String> active = comm.channel("echo-active", String.class);
            for (int i = 0; i < 20; i++) {
                active.send("m" + i);
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(Optional.of("echo m" + i), replies.receive(WAIT));
            }
            try (Jedis jedis = server.jedis()) {
                long childPid = processes.pid("echo").getAsLong();
                assertTrue(RedisFaultSupport.clients(jedis).stream().anyMatch(c -> c.getOrDefault("name", "")
                        .startsWith("litecomm-" + childPid + "-")), "the child has no connection of its own");
            }
            processes.stop("echo");
            assertTrue(!processes.isAlive("echo"));
        }
    }

    /**
     * Where the machine allows (root, {@code ip netns}): the worker runs in a network namespace of
     * its own and reaches a server bound to the host end of a veth pair; the server sees its
     * connections come from the namespace's address.
     */
    @Test
    void aWorkerInAnotherNetworkNamespaceReachesTheServerOverAVethPair() throws Exception {
        Veth veth = Veth.create();
        try (veth; RedisFaultSupport.OwnServer server = new RedisFaultSupport.OwnServer(veth.hostAddress, null).start()) {
            URI uri = URI.create("redis://" + veth.hostAddress + ":" + server.port() + "/netns");
            Path host = dir.resolve("host-ns");
            try (Comm comm = Comm.open(uri);
                 ChildJvm worker = ChildJvm.start(dir.resolve("logs"),
                         hostWrapper(host, List.of("ip", "netns", "exec", veth.namespace)),
                         workerEnvironment(uri, host), EchoChild.class)) {
                Channel<String> replies = comm.channel("worker-replies", String.class);
                replies.receive(WAIT).ifPresentOrElse(r -> assertEquals("ready " + worker.process().pid(), r),
                        () -> {
                            throw new AssertionError("the worker in the namespace never said ready\n" + worker.output());
                        });
                try (Jedis jedis = server.jedis()) {
                    assertTrue(RedisFaultSupport.clients(jedis).stream().anyMatch(c -> c.getOrDefault("name", "")
                            .startsWith("litecomm-" + worker.process().pid() + "-")
                            && c.getOrDefault("addr", "").startsWith(veth.namespaceAddress + ":")),
                            "no connection of the worker from " + veth.namespaceAddress + ": "
                            + RedisFaultSupport.clients(jedis));
                }
                // the "ready" is taken: the rest of the conversation as on a plain second host
                comm.channel("worker-replies", String.class).send("ready " + worker.process().pid());
                talkToWorker(comm, worker, host);
            }
        }
    }

    /** A network namespace with a veth pair to this one; removed on {@link #close()}. */
    private static final class Veth implements AutoCloseable {
        final String namespace;
        final String hostEnd;
        final String hostAddress;
        final String namespaceAddress;

        private Veth(long id) {
            this.namespace = "lc13-" + id;
            this.hostEnd = "lc13h" + id;
            int net = (int) (id % 60) * 4;
            this.hostAddress = "10.213." + (id / 60 % 250) + "." + (net + 1);
            this.namespaceAddress = "10.213." + (id / 60 % 250) + "." + (net + 2);
        }

        static Veth create() {
            String why = unavailable();
            if (why != null) {
                Assumptions.abort("no network namespaces here: " + why);
            }
            Veth veth = new Veth(ProcessHandle.current().pid() % 10000);
            String peer = "lc13n" + ProcessHandle.current().pid() % 10000;
            try {
                run("ip", "netns", "add", veth.namespace);
                run("ip", "link", "add", veth.hostEnd, "type", "veth", "peer", "name", peer);
                run("ip", "link", "set", peer, "netns", veth.namespace);
                run("ip", "addr", "add", veth.hostAddress + "/30", "dev", veth.hostEnd);
                run("ip", "link", "set", veth.hostEnd, "up");
                run("ip", "netns", "exec", veth.namespace, "ip", "addr", "add", veth.namespaceAddress + "/30", "dev", peer);
                run("ip", "netns", "exec", veth.namespace, "ip", "link", "set", peer, "up");
                run("ip", "netns", "exec", veth.namespace, "ip", "link", "set", "lo", "up");
            } catch (RuntimeException | Error e) {
                veth.close();
                throw e;
            }
            return veth;
        }

        private static String unavailable() {
            if (!"root".equals(System.getProperty("user.name"))) {
                return "not root (ip netns needs CAP_SYS_ADMIN)";
            }
            if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                    && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
                return "no ip command (iproute2)";
            }
            try {
                Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
                if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                    probe.destroyForcibly();
                    return "ip netns list failed";
                }
            } catch (IOException e) {
                return "cannot run ip: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            return null;
        }

        private static void run(String... command) {
            String out = "";
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                boolean done = p.waitFor(30, TimeUnit.SECONDS);
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!done || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " failed: " + out);
                }
            } catch (IOException e) {
                throw new AssertionError(String.join(" ", command) + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted: " + String.join(" ", command) + " " + out, e);
            }
        }

        private static void quietly(String... command) {
            try {
                run(command);
            } catch (AssertionError ignored) {
                // already gone
            }
        }

        @Override
        public void close() {
            quietly("ip", "netns", "del", namespace); // takes the peer end, and with it the host end, along
            quietly("ip", "link", "del", hostEnd);
        }
    }
}
