package io.litecomm.redis;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.net.URI;

/**
 * A publishing process: {@code PublisherChild URI TOPIC COUNT} publishes {@code COUNT} messages
 * {@code "I xxx..."} (I counting from 0, then 100 x) on the topic as fast as it can, then prints {@code DONE}.
 */
public final class PublisherChild {

    private PublisherChild() {
    }

    public static void main(String[] args) {
        ChildJvm.haltWhenParentGone();
        int count = Integer.parseInt(args[2]);
        String padding = "x".repeat(100);
        try (Comm comm = Comm.open(URI.create(args[0]))) {
            SharedMemory memory = comm.sharedMemory();
            for (int i = 0; i < count; i++) {
                memory.publish(args[1], i + " " + padding);
            }
            System.out.println("DONE");
            System.out.flush();
        }
    }
}
