package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.examples.ProcessesExample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptom 4: the README's "Processes" program shows the exchange (both messages of every
 * round logged by the child) and stops the child as a normal stop, exit code 0. Run as a new user
 * first runs it, with no SLF4J provider (with one, {@code SeedExampleTest} runs the same path).
 */
@Timeout(120)
class ProcessesExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeProgramWithoutAProviderPrintsTheExchangeOnTheConsole() {
        run(Launch.classPathWithoutProvider(), "[nonebot] INFO io.litecomm.examples.NoneBotProcess - ");
    }

    private void run(String classPath, String prefix) {
        Map<String, String> env = Map.of(Comm.ENV_DIR, dir.resolve("domain").toString());
        try (Launch app = Launch.start(dir.resolve("logs"), env, List.of("-cp", classPath,
                ProcessesExample.class.getName()))) {
            assertEquals(0, app.awaitExit(Duration.ofSeconds(90)), app.output());
            String out = app.output();
            assertEquals(3, count(out, prefix + "Passive receive: I am liteyuki main process passive"), out);
            assertEquals(3, count(out, prefix + "Active receive: I am liteyuki main process active"), out);
            assertTrue(out.contains("stop requested by the parent: exiting (name=nonebot)"), out);
            assertFalse(out.contains("parent process is gone"), out);
            assertFalse(out.contains("SLF4J(I)"), out);
            assertEquals(1, count(app.stderr(), "No SLF4J providers were found"), "only the parent's own notice: " + out);
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
