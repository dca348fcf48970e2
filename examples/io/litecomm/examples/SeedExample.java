package io.litecomm.examples;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.SharedMemory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed example: LiteyukiBot's process-communication page in Java. The main process starts a
 * child ({@link NoneBotProcess}) and sends it a message on its passive and its active channel
 * every 3 seconds; the child logs what it receives. Both use the domain's shared memory. Stops after a few rounds (argument 1, default
 * 3) or on Ctrl-C, and stops the child with it.
 *
 * <p>Run it with {@code mvn -B -q -DskipTests test-compile exec:exec@demo}.
 */
public final class SeedExample {

    private static final Logger LOG = LoggerFactory.getLogger(SeedExample.class);

    private SeedExample() {
    }

    /**
     * Runs the example.
     *
     * @param args optional number of rounds
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        CountDownLatch interrupted = new CountDownLatch(1);
        try (Comm comm = Comm.current(); ProcessManager processes = new ProcessManager(comm)) {
            Runtime.getRuntime().addShutdownHook(new Thread(interrupted::countDown));
            SharedMemory memory = comm.sharedMemory();
            memory.set("key", "value");
            LOG.info("Shared memory set: key={}", memory.get("key", String.class));
            processes.add("nonebot", NoneBotProcess.class);
            processes.startAll();
            Channel<String> passive = comm.channel("nonebot-passive", String.class);
            Channel<String> active = comm.channel("nonebot-active", String.class);
            for (int round = 0; round < rounds; round++) {
                passive.send("I am liteyuki main process passive");
                active.send("I am liteyuki main process active");
                if (interrupted.await(3, TimeUnit.SECONDS)) {
                    break;
                }
            }
            awaitDrained(passive, active);
        }
    }

    /** Gives the child a moment to log the last round before it is stopped. */
    private static void awaitDrained(Channel<String> passive, Channel<String> active) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((passive.size() > 0 || active.size() > 0) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        TimeUnit.MILLISECONDS.sleep(300);
    }
}
