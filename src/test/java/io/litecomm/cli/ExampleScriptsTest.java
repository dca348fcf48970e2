package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each single-file example as a user would, {@code java -cp <litecomm and its dependencies>
 * examples/scripts/X.java}, and checks it finishes by itself with its success line last.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExampleScriptsTest {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path logs;

    /**
     * The class path a user gives: litecomm's classes and the dependency jars, without the test
     * classes (where Maven also compiles these scripts: the source launcher refuses a class that is
     * already on the class path).
     */
    private static String userClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().equals("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PingPong", "WorkerPool", "SelectTwo", "SharedCounter", "PubSubChat"})
    void scriptRunsToItsSuccessLine(String script) {
        Path source = Path.of("examples", "scripts", script + ".java");
        assertTrue(Files.isRegularFile(source), "missing " + source.toAbsolutePath());
        List<String> command = CliProcess.java(userClassPath());
        command.add(source.toString());
        try (CliProcess run = CliProcess.start(logs, Map.of(), command, Path.of("").toAbsolutePath(), "java " + source)) {
            CliProcess.Result result = run.awaitExit(SCRIPT_TIMEOUT);
            assertEquals(0, result.exit(), result.describe());
            List<String> lines = result.lines();
            assertTrue(!lines.isEmpty() && lines.get(lines.size() - 1).startsWith(script + ": OK, "), result.describe());
        }
    }
}
