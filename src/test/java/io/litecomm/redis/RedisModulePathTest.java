package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.testing.RedisTestServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modular application ({@code java -p ... -m app/demo.Main}) on a {@code redis://} domain: with
 * Jedis and commons-pool2 on the module path and resolved ({@code --add-modules}, since litecomm
 * only {@code requires static} them) it sends and receives, and so does its {@code ProcessManager}
 * child; without resolving them it is told which modules to add. Its module does not mention Jedis.
 */
@Timeout(180)
class RedisModulePathTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String JEDIS_MODULES = "redis.clients.jedis,org.apache.commons.pool2";

    @TempDir
    Path dir;

    private RedisTestServer server;
    private URI domain;

    @BeforeEach
    void domain() {
        server = RedisTestServer.get();
        domain = server.uniqueDomain("modules");
    }

    @AfterEach
    void noStrayKeys() {
        if (domain != null) {
            server.dropDomain(RedisTestServer.domainOf(domain));
            assertEquals(List.of(), server.strayKeys());
        }
    }

    @Test
    void aModularAppAndItsChildTalkOverRedis() throws IOException {
        List<String> args = new ArrayList<>(List.of("-p", modulePath(), "--add-modules", JEDIS_MODULES,
                "-m", "app/demo.Main", domain.toString()));
        try (UserJvm app = UserJvm.start(dir.resolve("logs"), Map.of(), args)) {
            assertEquals(0, app.awaitExit(WAIT), app.describe());
            String out = app.output();
            assertTrue(out.contains("app got: hello over redis"), app.describe());
            assertTrue(out.contains("app got from its child: pong from module app"), app.describe());
            assertTrue(out.contains("launch=module-path"), app.describe());
        }
    }

    @Test
    void withoutResolvingJedisTheAppIsToldWhichModulesToAdd() throws IOException {
        List<String> args = List.of("-p", modulePath(), "-m", "app/demo.Main", domain.toString());
        try (UserJvm app = UserJvm.start(dir.resolve("logs"), Map.of(), args)) {
            assertEquals(1, app.awaitExit(WAIT), app.describe());
            String out = app.output();
            assertTrue(out.contains("io.litecomm.CommException: the Redis transport needs Jedis"), app.describe());
            assertTrue(out.contains("--add-modules " + JEDIS_MODULES), app.describe());
        }
        domain = null; // nothing was written
        assertEquals(List.of(), server.strayKeys());
    }

    /** Compiles the application module and returns the module path: litecomm, its dependencies, Jedis's, the app. */
    private String modulePath() throws IOException {
        List<String> modules = UserJvm.classPath(p -> p.equals("classes")
                || p.matches("(jackson|slf4j-api|slf4j-simple|commons-io|jul-to-slf4j|jedis|commons-pool2|json|gson"
                        + "|redis-authx-core)-.*\\.jar"));
        modules = new ArrayList<>(modules);
        modules.removeIf(p -> p.endsWith("test-classes"));
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("demo"));
        Files.writeString(src.resolve("module-info.java"), "module app { requires io.litecomm; requires org.slf4j; }\n");
        Files.writeString(src.resolve("demo/Main.java"), """
                package demo;
                import io.litecomm.Channel;
                import io.litecomm.Comm;
                import io.litecomm.ProcessManager;
                import java.net.URI;
                import java.time.Duration;
                public class Main {
                    public static void main(String[] args) {
                        try (Comm comm = Comm.open(URI.create(args[0])); ProcessManager pm = new ProcessManager(comm)) {
                            Channel<String> greetings = comm.channel("greetings", String.class);
                            greetings.send("hello over redis");
                            System.out.println("app got: " + greetings.receive(Duration.ofSeconds(30)).orElse("nothing"));
                            pm.add("mod", Child.class);
                            pm.startAll();
                            comm.channel("mod-active", String.class).send("ping");
                            System.out.println("app got from its child: "
                                    + comm.channel("mod-replies", String.class).receive(Duration.ofSeconds(60))
                                            .orElse("nothing"));
                        }
                    }
                }
                """);
        Files.writeString(src.resolve("demo/Child.java"), """
                package demo;
                import io.litecomm.Comm;
                import java.time.Duration;
                public class Child {
                    public static void main(String[] args) {
                        String ping = Comm.activeChannel(String.class).receive(Duration.ofSeconds(60)).orElse("nothing");
                        Comm.current().channel(Comm.processName().orElseThrow() + "-replies", String.class)
                                .send(ping.replace("ping", "pong") + " from module " + Child.class.getModule().getName());
                    }
                }
                """);
        Path classes = dir.resolve("app");
        String modulePath = String.join(File.pathSeparator, modules);
        javac("-d", classes.toString(), "--module-path", modulePath, src.resolve("module-info.java").toString(),
                src.resolve("demo/Main.java").toString(), src.resolve("demo/Child.java").toString());
        return modulePath + File.pathSeparator + classes;
    }

    private static void javac(String... args) {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = javac.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertEquals(0, code, "javac failed: " + err.toString(StandardCharsets.UTF_8));
    }
}
