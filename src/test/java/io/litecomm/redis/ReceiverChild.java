package io.litecomm.redis;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.testing.ChildJvm;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A receiving process of the fault tests: {@code ReceiverChild URI CHANNEL}. Prints {@code READY},
 * then {@code GOT <message>} for every message it receives (flushed before the next receive), and
 * {@code DONE} and exits once the channel is closed and drained. Halts when its parent goes.
 */
public final class ReceiverChild {

    private ReceiverChild() {
    }

    public static void main(String[] args) {
        ChildJvm.haltWhenParentGone();
        try (Comm comm = Comm.open(URI.create(args[0]))) {
            Channel<String> channel = comm.channel(args[1], String.class);
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            while (true) {
                Optional<String> message = channel.receive(Duration.ofMillis(500));
                if (message.isPresent()) {
                    System.out.println("GOT " + message.get());
                    System.out.flush();
                } else if (channel.isClosed() && channel.size() == 0) {
                    break;
                }
            }
            System.out.println("DONE");
            System.out.flush();
        }
    }
}
