package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelClosedException;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.NoSuchChannelException;
import io.litecomm.WaitStrategy;
import java.nio.file.Path;

/**
 * A peer that has a channel mapped and is blocked on it when {@link DeleteWhileMappedTest} deletes
 * it: in {@code receive()} (mode {@code receive}: back-off; {@code blocking}: asleep on a doorbell)
 * or in {@code send()} on a full channel (mode {@code send}). Round r uses channel
 * {@code <name>-r}: prints {@code WAITING r on ...}, then {@code CLOSED r <message>} when the call ends
 * with {@code ChannelClosedException}, then {@code NO-SUCH r <message>} if reopening by name fails
 * with {@code NoSuchChannelException}; on {@code reuse} opens the name again and prints
 * {@code REUSED r <message>}. Exits on {@code exit} after the last round. Arguments: domain, mode,
 * channel name, rounds.
 */
public final class DeletePeer {

    /** The channels of the test: small, so the sending peer fills one at once. */
    static final ChannelOptions SMALL = ChannelOptions.builder().capacity(4096).maxMessageSize(256).build();

    private DeletePeer() {
    }

    public static void main(String[] args) {
        ChildSupport commands = ChildSupport.watchParent();
        String mode = args[1];
        int rounds = Integer.parseInt(args[3]);
        WaitStrategy strategy = "blocking".equals(mode) ? WaitStrategy.BLOCKING : WaitStrategy.BACKOFF;
        try (Comm comm = Comm.open(Path.of(args[0]), CommOptions.builder().waitStrategy(strategy).build())) {
            for (int round = 0; round < rounds; round++) {
                String name = args[2] + "-" + round;
                block(comm.channel(name, String.class, SMALL), "send".equals(mode), round);
                try {
                    comm.getChannel(name);
                    ChildSupport.say("REOPENED " + round);
                } catch (NoSuchChannelException e) {
                    ChildSupport.say("NO-SUCH " + round + " " + e.getMessage());
                }
                commands.expect("reuse");
                Channel<String> again = comm.channel(name, String.class);
                ChildSupport.say("REUSED " + round + " " + again.receive(ChildSupport.WAIT).orElse("<nothing>"));
            }
            commands.expect("exit");
        }
        System.exit(0);
    }

    private static void block(Channel<String> channel, boolean send, int round) {
        try {
            if (send) {
                int sent = 0;
                while (channel.trySend("fill-" + sent)) {
                    sent++;
                }
                ChildSupport.say("WAITING " + round + " on a full channel of " + sent);
                channel.send("blocked");
                ChildSupport.say("SENT " + round);
            } else {
                ChildSupport.say("WAITING " + round + " on an empty channel");
                ChildSupport.say("GOT " + round + " " + channel.receive());
            }
        } catch (ChannelClosedException e) {
            ChildSupport.say("CLOSED " + round + " " + e.getMessage());
        }
    }
}
