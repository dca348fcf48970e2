package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The receiving process of {@link ClockJumpTest}, run with its wall clock under the test's control.
 * Arguments: domain, channel, recovery timeout in milliseconds. Commands, one per standard input
 * line, each answered with one line that starts with the command's sequence number:
 * <ul>
 *   <li>{@code recv MS}: {@code receive(MS ms)}; answers {@code N RECV first-byte elapsed-ms} or
 *       {@code N EMPTY elapsed-ms}, elapsed by this process's {@code nanoTime};</li>
 *   <li>{@code wall}: answers {@code N WALL currentTimeMillis}, to show that the clock moved;</li>
 *   <li>{@code quit}, or the end of input: exits.</li>
 * </ul>
 */
public final class ClockJumpReceiver {

    /** The channel's options: those of {@code HalfWriter}. */
    static final ChannelOptions OPTIONS = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(4096).build();

    private ClockJumpReceiver() {
    }

    public static void main(String[] args) throws IOException {
        Path domain = Path.of(args[0]);
        CommOptions options = CommOptions.builder().recoveryTimeout(Duration.ofMillis(Long.parseLong(args[2]))).build();
        try (Comm comm = Comm.open(domain, options);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            Channel<byte[]> channel = comm.channel(args[1], byte[].class, OPTIONS);
            System.out.println("READY");
            System.out.flush();
            int n = 0;
            for (String line = in.readLine(); line != null && !"quit".equals(line); line = in.readLine()) {
                n++;
                final int seq = n;
                String[] words = line.split(" ");
                if ("recv".equals(words[0])) {
                    long start = System.nanoTime();
                    Optional<byte[]> message = channel.receive(Duration.ofMillis(Long.parseLong(words[1])));
                    long elapsed = (System.nanoTime() - start) / 1_000_000;
                    System.out.println(message.map(m -> seq + " RECV " + (m.length == 0 ? -1 : m[0]) + " " + elapsed)
                            .orElse(seq + " EMPTY " + elapsed));
                } else if ("wall".equals(words[0])) {
                    System.out.println(n + " WALL " + System.currentTimeMillis());
                } else {
                    System.out.println(n + " UNKNOWN " + line);
                }
                System.out.flush();
            }
        }
    }
}
