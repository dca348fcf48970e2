package io.litecomm.process;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A parent JVM for the process tests: starts {@code count} {@link EchoChild}ren, prints their pids,
 * makes one log a line, then waits (at most 60 s) to be killed.
 */
public final class ParentMain {

    private ParentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path domain = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Comm comm = Comm.open(domain);
        ProcessManager processes = new ProcessManager(comm);
        for (int i = 0; i < count; i++) {
            processes.add("kid" + i, EchoChild.class);
        }
        processes.startAll();
        for (int i = 0; i < count; i++) {
            String ready = comm.channel("kid" + i + "-replies", String.class).receive();
            System.out.println("child kid" + i + " " + ready);
        }
        comm.channel("kid0-passive", String.class).send("log:hello from the parent");
        System.out.println("parent ready");
        TimeUnit.SECONDS.sleep(60);
        processes.close();
    }
}
