package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.nio.file.Path;

/**
 * Echoes every message of channel {@code ping} to channel {@code pong} until the parent goes away:
 * the other process that must keep working while a test interrupts threads. Argument: domain.
 */
public final class EchoPeer {

    private EchoPeer() {
    }

    public static void main(String[] args) {
        ChildSupport.watchParent();
        try (Comm comm = Comm.open(Path.of(args[0]))) {
            Channel<String> ping = comm.channel("ping", String.class);
            Channel<String> pong = comm.channel("pong", String.class);
            ChildSupport.say("ECHOING");
            for (String message : ping) {
                pong.send(message);
            }
        }
        System.exit(0);
    }
}
