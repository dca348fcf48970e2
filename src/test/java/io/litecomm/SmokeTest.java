package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SmokeTest {

    @TempDir
    Path dir;

    @Test
    void sendsAndReceivesInOneProcess() {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<String> ch = comm.channel("greet", String.class);
            ch.send("hello");
            ch.send("world");
            assertEquals(2, ch.size());
            assertEquals("hello", ch.receive());
            assertEquals(Optional.of("world"), ch.tryReceive());
            assertEquals(Optional.empty(), ch.receive(Duration.ofMillis(20)));
            Channel<byte[]> raw = comm.channel("raw", byte[].class);
            raw.send(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, raw.receive());
            ch.close();
            assertTrue(ch.isClosed());
            assertThrows(ChannelClosedException.class, () -> ch.send("x"));
            assertThrows(ChannelClosedException.class, ch::receive);
            assertFalse(ch.iterator().hasNext());
        }
    }

    @Test
    void wrapsAroundTheRingManyTimes() {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<byte[]> ch = comm.channel("wrap", byte[].class,
                    ChannelOptions.builder().capacity(4096).maxMessageSize(1000).build());
            for (int i = 0; i < 20_000; i++) {
                byte[] msg = new byte[i % 997];
                ch.send(msg);
                assertEquals(msg.length, ch.receive().length);
            }
        }
    }
}
