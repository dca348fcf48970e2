package io.litecomm.examples;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.ProcessManager;

/**
 * The README's "Processes" example, as it stands there: a complete program. The parent starts
 * {@link NoneBotProcess}, sends it a message on each of its channels three times, a second apart,
 * and stops it when the try block closes the manager.
 */
public final class ProcessesExample {

    private ProcessesExample() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException if interrupted while waiting between rounds
     */
    public static void main(String[] args) throws InterruptedException {
        try (Comm comm = Comm.current(); ProcessManager processes = new ProcessManager(comm)) {
            processes.add("nonebot", NoneBotProcess.class);
            processes.startAll(); // returns once the child is up; throws if it cannot start
            Channel<String> passive = comm.channel("nonebot-passive", String.class);
            Channel<String> active = comm.channel("nonebot-active", String.class);
            for (int round = 0; round < 3; round++) {
                passive.send("I am liteyuki main process passive");
                active.send("I am liteyuki main process active");
                Thread.sleep(1000); // the child logs both messages meanwhile
            }
        } // closing the manager stops the child: it logs "stop requested by the parent" and exits with 0
    }
}
