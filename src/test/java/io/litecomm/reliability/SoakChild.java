package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;

/**
 * A child run by a {@code ProcessManager} in {@link LeakSoakTest}: announces its pid on channel
 * {@code soak-ready}, then receives on its active channel until stopped.
 */
public final class SoakChild {

    private SoakChild() {
    }

    public static void main(String[] args) {
        Comm comm = Comm.current();
        comm.channel("soak-ready", String.class).send(Long.toString(ProcessHandle.current().pid()));
        Channel<String> active = Comm.activeChannel(String.class);
        for (String ignored : active) {
            // until the channel is closed or the process is stopped
        }
    }
}
