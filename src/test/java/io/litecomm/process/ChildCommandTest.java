package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ChildCommandTest {

    private static final RestartRule RULE = new RestartRule(true, false, Duration.ofMillis(500), Duration.ofSeconds(3), 5);

    private static ChildSpec spec() {
        return new ChildSpec("bot", "com.example.Bot", List.of("a", "b c"), List.of("-Xmx64m"),
                Map.of("FOO", "1", ChildCommand.ENV_PROCESS_NAME, "spoofed"), null, RULE, Duration.ofSeconds(1), true);
    }

    @Test
    void commandRunsTheBootstrapWithTheChildsMainClass() {
        assertEquals(List.of("/jdk/bin/java", "-Xmx64m", "-cp", "a.jar:b.jar", ChildMain.class.getName(),
                "com.example.Bot", "a", "b c"), ChildCommand.command(Path.of("/jdk/bin/java"), "a.jar:b.jar", spec()));
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
    }
}
