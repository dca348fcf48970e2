package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.CorruptFileException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The process of {@link TruncatedMappingTest} whose mapped channel a peer truncates to half while
 * messages wait in the lost half. Warms the receive path up (so it runs compiled, where the JVM
 * reports a fault on the mapping late), prints {@code READY}, waits for a line on standard input,
 * then calls {@code receive(20 ms)} until it has seen three {@link CorruptFileException}s in a row,
 * printing {@code OUTCOME EMPTY|CORRUPT|INTERNAL|OTHER detail} for each call. Then it checks that a
 * bystander channel still works ({@code BYSTANDER ok}); anything thrown outside those calls is
 * printed as {@code LATE}. Prints {@code DONE} and exits 0 unless the JVM dies. Argument: domain.
 */
public final class TruncationVictim {

    /** The victim channel's options. */
    static final ChannelOptions SMALL = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(4096).build();

    private TruncationVictim() {
    }

    public static void main(String[] args) throws Exception {
        Path domain = Path.of(args[0]);
        try (Comm comm = Comm.open(domain, CommOptions.builder().recoveryTimeout(Duration.ofMillis(200)).build())) {
            Channel<byte[]> victim = comm.channel("victim", byte[].class, SMALL);
            Channel<String> bystander = comm.channel("bystander", String.class);
            for (int i = 0; i < 20_000; i++) {
                victim.send(new byte[1000]);
                victim.receive();
            }
            for (int i = 0; i < 64; i++) {
                victim.send(new byte[1000]);
            }
            for (int i = 0; i < 60; i++) {
                victim.receive(); // the four left lie in the second half of the file
            }
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            int corruptInARow = 0;
            for (int call = 0; call < 500 && corruptInARow < 3; call++) {
                String outcome;
                try {
                    Optional<byte[]> got = victim.receive(Duration.ofMillis(20));
                    outcome = got.isEmpty() ? "EMPTY" : "MESSAGE " + got.get().length;
                } catch (CorruptFileException e) {
                    outcome = "CORRUPT " + e.getMessage();
                } catch (InternalError e) {
                    outcome = "INTERNAL " + e.getMessage();
                } catch (Throwable e) {
                    outcome = "OTHER " + e;
                }
                corruptInARow = outcome.startsWith("CORRUPT ") ? corruptInARow + 1 : 0;
                System.out.println("OUTCOME " + outcome);
            }
            bystander.send("still here");
            System.out.println("BYSTANDER " + ("still here".equals(bystander.receive()) ? "ok" : "wrong"));
        } catch (Throwable t) {
            System.out.println("LATE " + t);
        }
        System.out.println("DONE");
        System.out.flush();
        System.exit(0);
    }
}
