package io.litecomm.examples;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child of the seed example, a "plugin framework" process: logs what arrives on its passive
 * channel from a filtered handler and on its active channel from a blocking receive loop.
 */
public final class NoneBotProcess {

    private static final Logger LOG = LoggerFactory.getLogger(NoneBotProcess.class);

    private NoneBotProcess() {
    }

    /**
     * Runs the child until its active channel is closed or the process is stopped.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        SharedMemory memory = Comm.current().sharedMemory();
        LOG.info("Shared memory get: key={}", memory.get("key", String.class));
        Channel<String> passive = Comm.passiveChannel(String.class);
        passive.onReceive(data -> !data.isEmpty(), data -> LOG.info("Passive receive: {}", data));
        Channel<String> active = Comm.activeChannel(String.class);
        for (String data : active) {
            LOG.info("Active receive: {}", data);
        }
    }
}
