package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The peer process of {@link ChannelDamageTest} and {@link TruncatedPeerTest}: it uses the channel
 * {@code victim} of a domain while the test damages or truncates the file under its mapping.
 * Arguments: domain, role, and for {@code producer} a count. Roles:
 *
 * <ul>
 *   <li>{@code producer N}: sends messages {@link #payload(int)} 0 to N-1, prints {@code SENT}, and stays
 *       alive (a live producer holding its slot) until told {@code stop};</li>
 *   <li>{@code receiver}: prints {@code READY}, then calls {@code receive(30 s)} on the empty
 *       channel, so it is blocked in receive when the file is damaged;</li>
 *   <li>{@code sender}: fills the channel, prints {@code READY}, then calls {@code send(message, 30 s)}
 *       on the full channel, so it is blocked in send;</li>
 *   <li>{@code busy}: sends and receives in a loop (compiled by then), so the damage lands mid-call.</li>
 * </ul>
 *
 * <p>A receiver or sender prints {@code OUTCOME MESSAGE|EMPTY|SENT|TIMEOUT|CORRUPT|INTERNAL|OTHER detail}
 * for each call, until three {@link CorruptFileException}s in a row or 40 calls; anything thrown
 * between calls (a fault the JVM reports late) is {@code LATE detail}. Then it checks that the
 * latch holds for the other direction ({@code LATCH CORRUPT|other}), that a bystander channel and
 * the shared memory still work ({@code BYSTANDER ok}), prints {@code DONE} and exits 0, unless the
 * JVM dies.
 */
public final class DamagePeer {

    /** The victim channel's options: 256 KiB of ring, room for 2,048 frames of {@link #PAYLOAD} bytes. */
    static final ChannelOptions OPTIONS = ChannelOptions.builder().capacity(1 << 18).maxMessageSize(4096).build();
    /** Payload bytes of every message: frames of 128 bytes. */
    static final int PAYLOAD = 100;
    /** Ring bytes each message takes. */
    static final int FRAME = 128;
    /** The recovery bound of the peer and of the tests. */
    static final Duration RECOVERY = Duration.ofMillis(200);
    private static final int MAX_CALLS = 40;

    private DamagePeer() {
    }

    /**
     * Message {@code index}: {@link #PAYLOAD} bytes that say their index.
     *
     * @param index the message's index
     * @return its payload
     */
    static byte[] payload(int index) {
        byte[] bytes = new byte[PAYLOAD];
        Arrays.fill(bytes, (byte) ('a' + index % 26));
        ByteBuffer.wrap(bytes).putInt(index);
        return bytes;
    }

    public static void main(String[] args) {
        Path domain = Path.of(args[0]);
        String role = args[1];
        ChildSupport parent = ChildSupport.watchParent();
        try (Comm comm = Comm.open(domain, CommOptions.builder().recoveryTimeout(RECOVERY).build())) {
            Channel<byte[]> victim = comm.channel("victim", byte[].class, OPTIONS);
            Channel<String> bystander = comm.channel("bystander", String.class);
            switch (role) {
                case "producer" -> {
                    int count = Integer.parseInt(args[2]);
                    for (int i = 0; i < count; i++) {
                        victim.send(payload(i));
                    }
                    ChildSupport.say("SENT");
                    parent.expect("stop");
                }
                case "receiver" -> {
                    ChildSupport.say("READY");
                    calls(() -> outcome(victim.receive(Duration.ofSeconds(30))));
                    latch(() -> "sent=" + victim.trySend(payload(0)));
                }
                case "sender" -> {
                    while (victim.trySend(payload(0))) {
                        // fill
                    }
                    ChildSupport.say("READY");
                    calls(() -> victim.send(payload(1), Duration.ofSeconds(30)) ? "SENT" : "TIMEOUT");
                    latch(() -> outcome(victim.tryReceive()));
                }
                case "busy" -> {
                    for (int i = 0; i < 20_000; i++) {
                        victim.send(payload(i));
                        victim.receive();
                    }
                    ChildSupport.say("READY");
                    busy(victim);
                    latch(() -> "sent=" + victim.trySend(payload(0)));
                }
                default -> throw new IllegalArgumentException("role: " + role);
            }
            if (!role.equals("producer")) {
                bystander.send("still here");
                comm.sharedMemory().set("after", 1);
                boolean ok = "still here".equals(bystander.receive())
                        && Integer.valueOf(1).equals(comm.sharedMemory().get("after"));
                ChildSupport.say("BYSTANDER " + (ok ? "ok" : "wrong"));
            }
        } catch (Throwable t) {
            ChildSupport.say("LATE " + t);
        }
        ChildSupport.say("DONE");
        System.exit(0);
    }

    private static String outcome(Optional<byte[]> got) {
        return got.isEmpty() ? "EMPTY" : "MESSAGE " + got.get().length;
    }

    /** One operation on the victim, described. */
    private interface Call {
        String run() throws Exception;
    }

    private static void calls(Call call) {
        int corruptInARow = 0;
        for (int i = 0; i < MAX_CALLS && corruptInARow < 3; i++) {
            String outcome;
            try {
                outcome = call.run();
            } catch (CorruptFileException e) {
                outcome = "CORRUPT " + e.getMessage();
            } catch (InternalError e) {
                outcome = "INTERNAL " + e.getMessage();
            } catch (Throwable e) {
                outcome = "OTHER " + e;
            }
            corruptInARow = outcome.startsWith("CORRUPT ") ? corruptInARow + 1 : 0;
            try {
                ChildSupport.say("OUTCOME " + outcome);
            } catch (Throwable late) {
                ChildSupport.say("LATE " + late);
            }
        }
    }

    /**
     * Sends and receives in a tight, compiled loop until three reports in a row; a fault the JVM
     * delivers outside the two calls, in this loop's own code, is {@code LATE}.
     */
    private static void busy(Channel<byte[]> victim) {
        byte[] message = payload(7);
        int corruptInARow = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long calls = 0;
        while (corruptInARow < 3 && System.nanoTime() - deadline < 0) {
            try {
                String outcome = null;
                try {
                    victim.send(message);
                    if (victim.receive(Duration.ofMillis(20)).isEmpty()) {
                        outcome = "EMPTY";
                    }
                } catch (CorruptFileException e) {
                    outcome = "CORRUPT " + e.getMessage();
                } catch (InternalError e) {
                    outcome = "INTERNAL " + e.getMessage();
                }
                calls++;
                if (outcome != null) {
                    corruptInARow = outcome.startsWith("CORRUPT ") ? corruptInARow + 1 : 0;
                    ChildSupport.say("OUTCOME " + outcome);
                }
            } catch (Throwable late) {
                ChildSupport.say("LATE " + late);
            }
        }
        ChildSupport.say("CALLS " + calls);
    }

    private static void latch(Call call) {
        String outcome;
        try {
            outcome = "other " + call.run();
        } catch (CorruptFileException e) {
            outcome = "CORRUPT " + e.getMessage();
        } catch (Throwable e) {
            outcome = "other " + e;
        }
        ChildSupport.say("LATCH " + outcome);
    }
}
