package io.litecomm.crossprocess;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.WaitStrategy;
import java.nio.file.Path;

/** Echoes "ping" to "pong" with the BLOCKING wait strategy until "ping" is closed; arguments: domain. */
public final class BlockingEcho {

    private BlockingEcho() {
    }

    public static void main(String[] args) {
        try (Comm comm = Comm.open(Path.of(args[0]), CommOptions.builder().waitStrategy(WaitStrategy.BLOCKING).build())) {
            Channel<byte[]> ping = comm.channel("ping", byte[].class);
            Channel<byte[]> pong = comm.channel("pong", byte[].class, ChannelOptions.defaults());
            System.out.println("echo ready");
            long count = 0;
            for (byte[] message : ping) {
                pong.send(message);
                count++;
            }
            System.out.println("echo done " + count);
        }
    }
}
