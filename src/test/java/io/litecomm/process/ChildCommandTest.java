package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class ChildCommandTest {

    private static final RestartRule RULE = new RestartRule(true, false, Duration.ofMillis(500), Duration.ofSeconds(3), 5);

    private static ChildSpec spec() {
        return new ChildSpec("bot", "com.example.Bot", List.of("a", "b c"), List.of("-Xmx64m"),
                Map.of("FOO", "1", ChildCommand.ENV_PROCESS_NAME, "spoofed"), null, RULE, Duration.ofSeconds(1), true,
                ChildLaunch.classPath("a.jar:b.jar"), OutputMode.LOG, Duration.ofSeconds(30), false);
    }

    @Test
    void commandRunsTheBootstrapWithTheChildsMainClass() {
        assertEquals(List.of("/jdk/bin/java", "-Xmx64m", "-cp", "a.jar:b.jar", ChildMain.class.getName(),
                "com.example.Bot", "a", "b c"), ChildCommand.command(Path.of("/jdk/bin/java"), spec()));
    }

    @Test
    void environmentCarriesDomainAndNameOverTheSpecsOwn() {
        Map<String, String> env = ChildCommand.environment(Path.of("/dev/shm/d"), spec());
        assertEquals("/dev/shm/d", env.get(ChildCommand.ENV_DOMAIN));
        assertEquals("bot", env.get(ChildCommand.ENV_PROCESS_NAME));
        assertEquals("true", env.get(ChildCommand.ENV_EXIT_WITH_PARENT));
        assertEquals("1", env.get("FOO"));
    }

    @Test
    void backoffDoublesUpToItsCap() {
        assertEquals(Duration.ofMillis(500), RULE.backoff(0));
        assertEquals(Duration.ofMillis(1000), RULE.backoff(1));
        assertEquals(Duration.ofMillis(2000), RULE.backoff(2));
        assertEquals(Duration.ofMillis(3000), RULE.backoff(3));
        assertEquals(Duration.ofMillis(3000), RULE.backoff(40));
    }

    @Test
    void logLinesKeepTheirOwnLevel() {
        assertEquals(Level.WARN, LogForwarder.levelPrefix("WARN disk almost full"));
        assertEquals(Level.INFO, LogForwarder.levelPrefix("[INFO] Passive receive: x"));
        assertEquals(Level.ERROR, LogForwarder.levelPrefix("ERROR x"));
        assertNull(LogForwarder.levelPrefix("INFORMATION x"));
        assertNull(LogForwarder.levelPrefix("hello world"));
        assertNull(LogForwarder.levelPrefix(""));
        assertEquals(Level.INFO, LogForwarder.levelPrefix("[main] INFO demo.Child - hello"));
        assertNull(LogForwarder.levelPrefix("[main] hello world"));
    }

    @Test
    void framesCarryLevelLoggerAndMessageOnOneLine() {
        String frame = LogFrames.log(Level.WARN, "demo.Child", "two\nlines\twith \\ and \u001e");
        assertEquals(-1, frame.indexOf('\n'));
        LogFrames.Frame decoded = LogFrames.decode(frame);
        assertEquals(Level.WARN, decoded.level());
        assertEquals("demo.Child", decoded.logger());
        assertEquals("two\nlines\twith \\ and \u001e", decoded.message());
        assertEquals("42", LogFrames.decode(LogFrames.ready(42)).message());
        assertNull(LogFrames.decode("plain text"));
        assertNull(LogFrames.decode(LogFrames.MARK + "LOG NOTALEVEL x y"));
    }

    @Test
    void longLinesAreCutWithAMarkerAndTheRestSkipped() throws java.io.IOException {
        byte[] input = new byte[LineReader.MAX_LINE_BYTES * 3 + 10];
        java.util.Arrays.fill(input, (byte) 'x');
        byte[] tail = "\nnext\r\nlast".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(input, input.length + tail.length);
        System.arraycopy(tail, 0, all, input.length, tail.length);
        LineReader lines = new LineReader(new java.io.ByteArrayInputStream(all));
        String first = lines.next();
        assertEquals(LineReader.MAX_LINE_BYTES + LogFrames.TRUNCATED.length(), first.length());
        assertTrue(first.endsWith(LogFrames.TRUNCATED));
        assertEquals("next", lines.next());
        assertEquals("last", lines.next());
        assertNull(lines.next());
        assertEquals(1, lines.truncatedLines());
        assertEquals(input.length - LineReader.MAX_LINE_BYTES, lines.skippedBytes());
    }

    @Test
    void theTestJvmLaunchesChildrenFromItsClassPath() {
        ChildLaunch launch = ChildLaunch.of("t", EchoChild.class, new SourceCompiler());
        assertEquals("class-path", launch.mode());
        assertEquals(List.of("-cp", System.getProperty("java.class.path"), ChildMain.class.getName()), launch.bootArgs());
    }

    @Test
    @SuppressWarnings("try") // closes the compiler inside its try to see that close removes the classes
    void aScriptIsCompiledUnderItsClassNameWithoutItsShebangLine(@TempDir Path dir) throws java.io.IOException {
        Path script = dir.resolve("echo-script");
        java.nio.file.Files.writeString(script, "#!/usr/bin/env -S java --source 17\n"
                + "public class EchoChild { public static class Inner { public static void main(String[] a) { } } }\n");
        try (SourceCompiler compiler = new SourceCompiler()) {
            Path classes = compiler.compile(script, EchoChild.class);
            assertTrue(java.nio.file.Files.isRegularFile(classes.resolve("EchoChild$Inner.class")), classes.toString());
            assertEquals(classes, compiler.compile(script, EchoChild.class), "compiled once");
            Path broken = dir.resolve("Broken.java");
            java.nio.file.Files.writeString(broken, "public class EchoChild { int x = ; }\n");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> compiler.compile(broken, EchoChild.class));
            assertTrue(e.getMessage().contains("compiling the script for the child failed"), e.getMessage());
            assertTrue(e.getMessage().contains("illegal start of expression"), e.getMessage());
            compiler.close();
            assertTrue(!java.nio.file.Files.exists(classes), "compiled classes left behind");
        }
    }
}
