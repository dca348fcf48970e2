package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.examples.SeedExample;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The seed example runs end to end: the child logs the four lines of the seed, then all exit. */
@Timeout(120)
class SeedExampleTest {

    @TempDir
    Path dir;

    @Test
    void seedExamplePrintsTheSeedLinesAndExits() {
        Map<String, String> env = Map.of(Comm.ENV_DIR, dir.resolve("domain").toString());
        try (ChildJvm demo = ChildJvm.start(dir.resolve("logs"), env, SeedExample.class, "2")) {
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(60)), demo.output());
            String out = demo.output();
            String prefix = "INFO litecomm\\.process\\.nonebot\\.io\\.litecomm\\.examples\\.NoneBotProcess - ";
            assertEquals(2, count(out, prefix + "Passive receive: I am liteyuki main process passive"), out);
            assertEquals(2, count(out, prefix + "Active receive: I am liteyuki main process active"), out);
            assertEquals(1, count(out, prefix + "Shared memory get: key=value"), out);
            assertTrue(Pattern.compile("stopped child: name=nonebot pid=\\d+ code=0").matcher(out).find(), out);
            assertTrue(out.contains("stop requested by the parent: exiting (name=nonebot)"), out);
            assertTrue(!out.contains("parent process is gone"), out);
            Matcher pid = Pattern.compile("started child: name=nonebot pid=(\\d+)").matcher(out);
            assertTrue(pid.find(), out);
            assertTrue(ProcessHandle.of(Long.parseLong(pid.group(1))).isEmpty()
                    || !ProcessHandle.of(Long.parseLong(pid.group(1))).get().isAlive(), "the child outlived the demo");
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
