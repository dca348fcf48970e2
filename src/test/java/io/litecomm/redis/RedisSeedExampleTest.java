package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.examples.SeedExample;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.nio.file.Files;
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
 * The seed example, unchanged, on Redis: {@code LITECOMM_URL=redis://.../DOMAIN} and the demo's main
 * in a JVM of its own; its {@code ProcessManager} child inherits the URI. The same lines as on the
 * embedded default (SeedExampleTest), every key under the domain's prefix, nothing written to the
 * directory {@code LITECOMM_DIR} names.
 */
@Timeout(120)
class RedisSeedExampleTest {

    @TempDir
    Path dir;

    @Test
    void seedExampleRunsUnchangedWithLitecommUrlOnRedis() {
        RedisTestServer server = RedisTestServer.get();
        URI domain = server.uniqueDomain("seed");
        String name = RedisTestServer.domainOf(domain);
        Path unused = dir.resolve("not-the-domain");
        // LITECOMM_URL wins over LITECOMM_DIR: the directory must stay untouched
        Map<String, String> env = Map.of(Comm.ENV_URL, domain.toString(), Comm.ENV_DIR, unused.toString());
        try (ChildJvm demo = ChildJvm.start(dir.resolve("logs"), env, SeedExample.class, "2")) {
            assertEquals(0, demo.awaitExit(Duration.ofSeconds(90)), demo.output());
            String out = demo.output();
            String prefix = "INFO litecomm\\.process\\.nonebot\\.io\\.litecomm\\.examples\\.NoneBotProcess - ";
            assertEquals(2, count(out, prefix + "Passive receive: I am liteyuki main process passive"), out);
            assertEquals(2, count(out, prefix + "Active receive: I am liteyuki main process active"), out);
            assertEquals(1, count(out, prefix + "Shared memory get: key=value"), out);
            assertTrue(Pattern.compile("stopped child: name=nonebot pid=\\d+ code=0").matcher(out).find(), out);
            assertTrue(out.contains("stop requested by the parent: exiting (name=nonebot)"), out);
            assertFalse(out.contains("parent process is gone"), out);
            Matcher pid = Pattern.compile("started child: name=nonebot pid=(\\d+)").matcher(out);
            assertTrue(pid.find(), out);
            assertTrue(ProcessHandle.of(Long.parseLong(pid.group(1))).map(p -> !p.isAlive()).orElse(true),
                    "the child outlived the demo");
            assertFalse(Files.exists(unused), "the demo used LITECOMM_DIR, not LITECOMM_URL: " + unused);
            String keyPrefix = "litecomm:{" + name + "}:";
            List<String> keys = server.allKeys().stream().filter(k -> k.startsWith(keyPrefix)).toList();
            assertTrue(keys.stream().anyMatch(k -> k.contains("nonebot-active")), "no channel on the server: " + keys);
            assertEquals(List.of(), server.strayKeys());
        } finally {
            server.dropDomain(name);
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
