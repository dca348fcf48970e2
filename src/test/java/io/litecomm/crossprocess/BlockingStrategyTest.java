package io.litecomm.crossprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.WaitStrategy;
import io.litecomm.testing.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes ping-pong with receivers asleep on doorbells: every message arrives, in order, and
 * closing the channel wakes a sleeping receiver in the other process.
 */
@Timeout(120)
class BlockingStrategyTest {

    @TempDir
    Path dir;

    @Test
    void pingPongWithSleepingReceiversAndCloseWakesThem() throws Exception {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain);
             ChildJvm echo = ChildJvm.start(dir.resolve("logs"), BlockingEcho.class, domain.toString())) {
            echo.awaitOutput("echo ready", Duration.ofSeconds(30));
            ChannelOptions blocking = ChannelOptions.builder().waitStrategy(WaitStrategy.BLOCKING).build();
            Channel<byte[]> ping = comm.channel("ping", byte[].class, blocking);
            Channel<byte[]> pong = comm.channel("pong", byte[].class, blocking);
            int rounds = 2_000;
            for (int i = 0; i < rounds; i++) {
                byte[] message = ByteBuffer.allocate(64).putInt(i).array();
                ping.send(message);
                assertArrayEquals(message, pong.receive(), "round " + i);
            }
            assertTrue(bellFiles(domain) > 0, "no receiver ever slept on a doorbell");
            ping.close();
            assertEquals(0, echo.awaitExit(Duration.ofSeconds(30)), echo.output());
            assertTrue(echo.output().contains("echo done " + rounds), echo.output());
        }
    }

    private static long bellFiles(Path domain) throws java.io.IOException {
        try (Stream<Path> files = Files.list(domain)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".bell-")).count();
        }
    }
}
