package io.litecomm.process;

import io.litecomm.Comm;
import java.util.concurrent.CountDownLatch;

/** A managed child whose shutdown hook never finishes: only a forced stop ends it. */
public final class StubbornChild {

    private StubbornChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        String name = Comm.processName().orElseThrow();
        Comm.current().channel(name + "-replies", String.class).send("ready " + ProcessHandle.current().pid());
        never.await();
    }
}
