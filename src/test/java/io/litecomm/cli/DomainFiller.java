package io.litecomm.cli;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A child JVM that fills a domain for the CLI tests, as another application would.
 *
 * <ul>
 *   <li>{@code fill DIR [hold]}: channels {@code jobs} (String: job-1..job-3), {@code numbers}
 *       (Integer, 4 KiB ring, 64-byte messages: 1..3), {@code blobs} (bytes: 01 02 03 and ff),
 *       {@code finished} (untyped: {"a":1}, then closed); keys {@code greeting} and {@code config};
 *       one message on topic {@code news}. Prints {@code FILLED}; with {@code hold} it then stays
 *       (a live producer) until destroyed or its parent goes away.</li>
 *   <li>{@code receive DIR CHANNEL N}: receives N strings, printing {@code GOT value} for each.</li>
 *   <li>{@code publish DIR TOPIC TEXT...}: publishes each text as a JSON string.</li>
 * </ul>
 */
public final class DomainFiller {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private DomainFiller() {
    }

    public static void main(String[] args) throws Exception {
        ChildJvm.haltWhenParentGone();
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "fill" -> fill(dir, args.length > 2 && args[2].equals("hold"));
            case "receive" -> receive(dir, args[2], Integer.parseInt(args[3]));
            case "publish" -> publish(dir, args[2], List.of(args).subList(3, args.length));
            default -> throw new IllegalArgumentException("unknown mode: " + args[0]);
        }
    }

    private static void fill(Path dir, boolean hold) throws InterruptedException {
        try (Comm comm = Comm.open(dir)) {
            Channel<String> jobs = comm.channel("jobs", String.class);
            for (int i = 1; i <= 3; i++) {
                jobs.send("job-" + i);
            }
            Channel<Integer> numbers = comm.channel("numbers", Integer.class,
                    ChannelOptions.builder().capacity(4096).maxMessageSize(64).build());
            for (int i = 1; i <= 3; i++) {
                numbers.send(i);
            }
            Channel<byte[]> blobs = comm.channel("blobs", byte[].class);
            blobs.send(new byte[] {1, 2, 3});
            blobs.send(new byte[] {(byte) 0xff});
            Channel<Object> finished = comm.channel("finished");
            finished.send(Map.of("a", 1));
            finished.close();
            SharedMemory memory = comm.sharedMemory();
            memory.set("greeting", "hello");
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("retries", 3);
            config.put("tags", List.of("a", "b"));
            memory.set("config", config);
            memory.publish("news", "filled");
            System.out.println("FILLED " + ProcessHandle.current().pid());
            System.out.flush();
            if (hold) {
                new CountDownLatch(1).await();
            }
        }
    }

    private static void receive(Path dir, String name, int count) {
        try (Comm comm = Comm.open(dir)) {
            Channel<String> channel = comm.channel(name, String.class);
            for (int i = 0; i < count; i++) {
                Optional<String> message = channel.receive(WAIT);
                System.out.println(message.map(m -> "GOT " + m).orElse("NOTHING"));
            }
        }
    }

    private static void publish(Path dir, String topic, List<String> texts) {
        try (Comm comm = Comm.open(dir)) {
            for (String text : texts) {
                comm.sharedMemory().publish(topic, text);
            }
        }
        System.out.println("PUBLISHED " + texts.size());
    }
}
