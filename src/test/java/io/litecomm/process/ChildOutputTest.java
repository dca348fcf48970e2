package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptoms 1 and 3: child output reaches the user with and without an SLF4J provider in
 * the parent, records keep level and logger, no child prints SLF4J's warnings, and a 300 MB line
 * without newline is cut instead of killing the parent. Every parent and child is a real JVM.
 */
@Timeout(180)
class ChildOutputTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void withoutAProviderInTheParentChildOutputGoesToItsConsole() {
        String cp = Launch.classPathWithoutProvider();
        try (Launch parent = Launch.start(dir.resolve("logs"), Map.of(),
                List.of("-cp", cp, ChattyParent.class.getName(), dir.resolve("d").toString()))) {
            assertEquals(0, parent.awaitExit(WAIT), parent.output());
            String out = parent.stdout();
            String err = parent.stderr();
            String all = parent.output();
            assertTrue(out.contains("parent done: failing exit=1"), all);
            for (String line : List.of("[logged] stdout line of logged",
                    "[logged] INFO io.litecomm.process.ChattyChild - info record of logged",
                    "[logged] no newline at exit of logged",
                    "stdout line of inherited",
                    "INFO io.litecomm.process.ChattyChild - info record of inherited")) {
                assertTrue(out.contains(line), "missing on stdout: " + line + "\n" + all);
            }
            for (String line : List.of("[logged] stderr line of logged",
                    "[logged] WARN io.litecomm.process.ChattyChild - warn record of logged",
                    "[logged] WARN jul.demo - jul record of logged",
                    "[failing] ERROR io.litecomm.process.ChildMain - child main failed: name=failing",
                    "java.lang.IllegalStateException: boom from the failing child",
                    "WARN io.litecomm.process.ChattyChild - warn record of inherited")) {
                assertTrue(err.contains(line), "missing on stderr: " + line + "\n" + all);
            }
            assertFalse(all.contains("of discarded"), all);
            assertFalse(all.contains("debug record"), all);
            // the parent's own warning (it has no provider: its choice); none from the four children
            assertEquals(1, count(err, "No SLF4J providers were found"), all);
            assertFalse(all.contains("SLF4J(I)"), all);
        }
    }

    @Test
    void withAProviderRecordsKeepTheirLevelAndLogger() {
        try (Launch parent = Launch.start(dir.resolve("logs"), Map.of(), List.of("-cp", System.getProperty("java.class.path"),
                ChattyParent.class.getName(), dir.resolve("d").toString()))) {
            assertEquals(0, parent.awaitExit(WAIT), parent.output());
            String err = parent.stderr();
            String all = parent.output();
            for (String line : List.of("INFO litecomm.process.logged.io.litecomm.process.ChattyChild - info record of logged",
                    "WARN litecomm.process.logged.io.litecomm.process.ChattyChild - warn record of logged",
                    "WARN litecomm.process.logged.jul.demo - jul record of logged",
                    "INFO litecomm.process.logged - stdout line of logged",
                    "WARN litecomm.process.logged - stderr line of logged",
                    "INFO litecomm.process.logged - no newline at exit of logged",
                    "ERROR litecomm.process.failing.io.litecomm.process.ChildMain - child main failed: name=failing",
                    "ERROR litecomm.process.logged.io.litecomm.process.ChildMain - uncaught exception in thread chatty-worker",
                    "java.lang.IllegalStateException: worker failed in logged",
                    "java.lang.IllegalStateException: boom from the failing child")) {
                assertTrue(err.contains(line), "missing: " + line + "\n" + all);
            }
            assertTrue(parent.stdout().contains("stdout line of inherited"), all);
            assertFalse(all.contains(" - [main] INFO"), all);
            assertFalse(all.contains("of discarded"), all);
            assertFalse(all.contains("SLF4J("), all);
        }
    }

    @Test
    void aLineOf300MegabytesWithoutNewlineIsCutAndTheParentSurvives() {
        try (Launch parent = Launch.start(dir.resolve("logs"), Map.of(), List.of("-Xmx64m", "-cp",
                System.getProperty("java.class.path"), LongLineParent.class.getName(), dir.resolve("d").toString(),
                "300"))) {
            assertEquals(0, parent.awaitExit(WAIT), parent.output());
            String all = parent.output();
            Matcher figures = Pattern.compile("parent survived: exit=0 millis=(\\d+) peakHeapMiB=(\\d+)").matcher(all);
            assertTrue(figures.find(), all.length() > 20_000 ? all.substring(all.length() - 20_000) : all);
            assertTrue(all.contains("x" + LogFrames.TRUNCATED), "no truncation marker");
            assertTrue(all.contains("INFO litecomm.process.long - after the long line"), "the line after was lost");
            assertTrue(all.contains("child output lines cut: name=long lines=1 skippedBytes="
                    + (300L * (1 << 20) - LineReader.MAX_LINE_BYTES)), "no report of the cut");
            assertFalse(all.contains("OutOfMemoryError"));
            System.out.println("300 MiB line: " + figures.group(0));
        }
    }

    @Test
    void anExampleScriptOnAClassPathWithoutAProviderPrintsNoSlf4jNotice() {
        // what bin/litecomm classpath gives: litecomm and its runtime dependencies, no provider, no test classes
        String cp = String.join(java.io.File.pathSeparator, Launch.classPath(p -> !p.endsWith("test-classes")
                && !Launch.fileName(p).startsWith("slf4j-simple")));
        try (Launch script = Launch.start(dir.resolve("logs"), Map.of(), List.of("-cp", cp,
                Path.of("examples", "scripts", "PingPong.java").toString(), "2"))) {
            assertEquals(0, script.awaitExit(WAIT), script.output());
            assertTrue(script.stdout().contains("PingPong: OK, 2 round trips"), script.output());
            assertFalse(script.output().contains("SLF4J"), script.output());
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
