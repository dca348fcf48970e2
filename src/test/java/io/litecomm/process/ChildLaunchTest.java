package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.ProcessOptions;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptom 2: children start wherever the parent runs (module path, source launcher with a
 * nested child class, a class loader of its own as under {@code mvn exec:java}), bad main classes
 * are refused by {@code add}, and a child that dies before it is up fails {@code start} with its
 * output. Real JVMs throughout.
 */
@Timeout(180)
class ChildLaunchTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aModularAppStartsAChildFromItsModule() throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("demo"));
        // the app does not export demo: the child is still reachable (the launch exports it to litecomm)
        Files.writeString(src.resolve("module-info.java"), "module app { requires io.litecomm; requires org.slf4j; }\n");
        Files.writeString(src.resolve("demo/Main.java"), """
                package demo;
                import io.litecomm.Comm;
                import io.litecomm.ProcessManager;
                import java.nio.file.Path;
                import java.time.Duration;
                public class Main {
                    public static void main(String[] args) {
                        try (Comm comm = Comm.open(Path.of(args[0])); ProcessManager pm = new ProcessManager(comm)) {
                            pm.add("mod", Child.class);
                            pm.startAll();
                            System.out.println("app got: "
                                    + comm.channel("mod-replies", String.class).receive(Duration.ofSeconds(60))
                                            .orElse("nothing"));
                        }
                    }
                }
                """);
        Files.writeString(src.resolve("demo/Child.java"), """
                package demo;
                import io.litecomm.Comm;
                public class Child {
                    public static void main(String[] args) {
                        org.slf4j.LoggerFactory.getLogger(Child.class).info("module child up");
                        Comm.current().channel(Comm.processName().orElseThrow() + "-replies", String.class)
                                .send("hello from module " + Child.class.getModule().getName());
                    }
                }
                """);
        List<String> modules = Launch.classPath(p -> p.endsWith("classes") && !p.endsWith("test-classes")
                || Launch.fileName(p).matches("(jackson|slf4j-api|slf4j-simple|commons-io|jul-to-slf4j).*\\.jar"));
        String modulePath = String.join(File.pathSeparator, modules);
        Path classes = dir.resolve("app");
        javac("-d", classes.toString(), "--module-path", modulePath, src.resolve("module-info.java").toString(),
                src.resolve("demo/Main.java").toString(), src.resolve("demo/Child.java").toString());
        try (Launch app = Launch.start(dir.resolve("logs"), Map.of(), List.of("-p", modulePath + File.pathSeparator + classes,
                "-m", "app/demo.Main", dir.resolve("d").toString()))) {
            assertEquals(0, app.awaitExit(WAIT), app.output());
            assertTrue(app.stdout().contains("app got: hello from module app"), app.output());
            assertTrue(app.stderr().contains("INFO litecomm.process.mod.demo.Child - module child up"), app.output());
            assertTrue(app.stderr().contains("launch=module-path"), app.output());
            assertFalse(app.output().contains("SLF4J("), app.output());
        }
    }

    @Test
    void aSingleFileScriptStartsItsNestedClassAsAChild() throws IOException {
        Path script = dir.resolve("Script.java");
        Files.writeString(script, """
                import io.litecomm.Comm;
                import io.litecomm.ProcessManager;
                import java.nio.file.Path;
                import java.time.Duration;
                public class Script {
                    public static void main(String[] args) {
                        try (Comm comm = Comm.open(Path.of(args[0])); ProcessManager pm = new ProcessManager(comm)) {
                            try {
                                pm.add("hidden", Hidden.class);
                            } catch (IllegalArgumentException e) {
                                System.out.println("refused: " + e.getMessage());
                            }
                            pm.add("nested", Child.class);
                            pm.startAll();
                            System.out.println("script got: "
                                    + comm.channel("nested-replies", String.class).receive(Duration.ofSeconds(60))
                                            .orElse("nothing"));
                        }
                    }
                    static class Hidden {
                        public static void main(String[] args) {
                        }
                    }
                    public static class Child {
                        public static void main(String[] args) {
                            Comm.current().channel(Comm.processName().orElseThrow() + "-replies", String.class)
                                    .send("hello from " + Child.class.getName());
                        }
                    }
                }
                """);
        try (Launch app = Launch.start(dir.resolve("logs"), Map.of(), List.of("-cp", System.getProperty("java.class.path"),
                script.toString(), dir.resolve("d").toString()))) {
            assertEquals(0, app.awaitExit(WAIT), app.output());
            assertTrue(app.stdout().contains("script got: hello from Script$Child"), app.output());
            assertTrue(app.stdout().contains("refused: child main class is not public: mainClass=Script$Hidden name=hidden"),
                    app.output());
            assertTrue(app.stderr().contains("launch=source-file"), app.output());
        }
    }

    @Test
    void anAppInItsOwnClassLoaderStartsAChildLikeUnderExecJava() {
        String testClasses = Launch.classPath(p -> p.endsWith("test-classes")).get(0);
        Map<String, String> env = Map.of("APP_CLASS_PATH", System.getProperty("java.class.path"));
        // this JVM's class path has only the launcher: litecomm and the app come from the class loader
        try (Launch app = Launch.start(dir.resolve("logs"), env, List.of("-cp", testClasses, IsolatedLauncher.class.getName(),
                LoaderApp.class.getName(), dir.resolve("d").toString()))) {
            assertEquals(0, app.awaitExit(WAIT), app.output());
            assertTrue(app.stdout().contains("app got: hello from " + ReplyChild.class.getName() + " loader=URLClassLoader"),
                    app.output());
            assertTrue(app.stderr().contains("launch=class-loader"), app.output());
        }
    }

    @Test
    void addRefusesAClassWithoutMainOrNotPublic() {
        try (Comm comm = Comm.open(dir.resolve("d")); ProcessManager pm = new ProcessManager(comm)) {
            IllegalArgumentException noMain = assertThrows(IllegalArgumentException.class, () -> pm.add("a", NoMain.class));
            assertTrue(noMain.getMessage().contains("has no public static void main(String[])"), noMain.getMessage());
            assertTrue(noMain.getMessage().contains(NoMain.class.getName()), noMain.getMessage());
            IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class, () -> pm.add("b", Hidden.class));
            assertTrue(hidden.getMessage().contains("not public"), hidden.getMessage());
            IllegalArgumentException instance = assertThrows(IllegalArgumentException.class,
                    () -> pm.add("c", InstanceMain.class));
            assertTrue(instance.getMessage().contains("not static"), instance.getMessage());
            assertEquals(List.of(), pm.names());
            assertFalse(comm.getChannels().containsKey("a-active"), "channels created for a refused child");
        }
    }

    @Test
    void aChildThatDiesBeforeItIsUpFailsStartWithItsOutput() {
        try (Comm comm = Comm.open(dir.resolve("d")); ProcessManager pm = new ProcessManager(comm,
                ProcessOptions.builder().jvmArgs("-XX:+NoSuchLitecommFlag").build())) {
            pm.add("badflag", ReplyChild.class);
            IllegalStateException e = assertThrows(IllegalStateException.class, pm::startAll);
            assertTrue(e.getMessage().contains("child failed to start: name=badflag"), e.getMessage());
            assertTrue(e.getMessage().contains("exited before it was up"), e.getMessage());
            assertTrue(e.getMessage().contains("NoSuchLitecommFlag"), e.getMessage());
            assertEquals("FAILED", pm.state("badflag"));
            assertFalse(pm.isAlive("badflag"));
        }
    }

    @Test
    void aChildNotUpInTimeFailsStartAndIsKilled() {
        try (Comm comm = Comm.open(dir.resolve("d")); ProcessManager pm = new ProcessManager(comm,
                ProcessOptions.builder().startTimeout(Duration.ofMillis(1)).build())) {
            pm.add("slow", ReplyChild.class);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pm.start("slow"));
            assertTrue(e.getMessage().contains("problem=not up within 1 ms"), e.getMessage());
            assertEquals("FAILED", pm.state("slow"));
            assertFalse(pm.isAlive("slow"), "a child that missed its start timeout must be killed");
        }
    }

    @Test
    void aMainClassMissingInTheChildFailsStartWithTheReason() {
        Path domain = dir.resolve("d");
        ChildSpec spec = new ChildSpec("ghost", "no.such.Ghost", List.of(), List.of(), Map.of(), null, RestartRule.NEVER,
                Duration.ofSeconds(2), true, ChildLaunch.classPath(System.getProperty("java.class.path")), OutputMode.DISCARD,
                Duration.ofSeconds(60), false);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            ChildSupervisor ghost = new ChildSupervisor(spec, Map.of(ChildCommand.ENV_DOMAIN, domain.toString()), scheduler);
            IllegalStateException e = assertThrows(IllegalStateException.class, ghost::start);
            assertTrue(e.getMessage().contains("exitCode=" + ChildMain.START_FAILED_EXIT), e.getMessage());
            assertTrue(e.getMessage().contains(ChildMain.START_FAILED + "cannot load the main class: mainClass=no.such.Ghost"),
                    e.getMessage());
            assertEquals(ChildSupervisor.State.FAILED, ghost.state());
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static void javac(String... args) {
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(messages, true, StandardCharsets.UTF_8);
        int code = ToolProvider.findFirst("javac").orElseThrow().run(out, out, args);
        assertEquals(0, code, messages.toString(StandardCharsets.UTF_8));
    }

    /** No main at all. */
    public static final class NoMain {
        private NoMain() {
        }
    }

    /** Not public. */
    static final class Hidden {
        private Hidden() {
        }

        public static void main(String[] args) {
            // never run
        }
    }

    /** A main that is not static. */
    public static final class InstanceMain {
        private InstanceMain() {
        }

        @SuppressWarnings("unused")
        public void main(String[] args) {
            // never run
        }
    }
}
