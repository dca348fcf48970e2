package io.litecomm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Comm;
import io.litecomm.Subscription;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code litecomm sub}: prints what is published to a topic from now on. */
final class SubCommand implements Command {

    @Override
    public String name() {
        return "sub";
    }

    @Override
    public String summary() {
        return "print messages published to a pub/sub topic";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm sub TOPIC [--count N] [--timeout MS] [--dir DIR | --url URI] [--json]

                Subscribes to TOPIC and prints every message published to it from now on, by any
                process of the domain, one JSON value per line (--json: {"topic", "value"}),
                until --count messages, --timeout milliseconds, or Ctrl-C. Once subscribed it
                says so on standard error. Creates the domain and its shared-memory files if
                needed.

                Exit status: 0 ok (--count messages printed; without --count, the timeout passed
                after at least one message); 1 the timeout passed before --count messages
                (without --count: before any message); 2 usage error.
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--count", "--timeout");
    }

    @Override
    public int execute(Invocation invocation) throws Exception {
        Args args = invocation.args();
        String topic = args.positional(0, "TOPIC");
        args.noMoreThan(1);
        if (topic.isEmpty()) {
            throw new UsageException("the topic must not be empty");
        }
        long count = args.number("--count", 0, 1);
        Deadline deadline = Deadline.of(args);
        LinkedBlockingQueue<Box> received = new LinkedBlockingQueue<>();
        try (Comm comm = invocation.open()) {
            Subscription subscription = comm.sharedMemory().onSubscriberReceive(topic, value -> received.add(new Box(value)));
            try {
                return follow(invocation, topic, count, deadline, received);
            } finally {
                subscription.cancel();
            }
        }
    }

    private static int follow(Invocation invocation, String topic, long count, Deadline deadline,
                              LinkedBlockingQueue<Box> received) throws Exception {
        invocation.note("subscribed to topic '" + topic + "' in " + invocation.location());
        long printed = 0;
        while (count == 0 || printed < count) {
            Box message = received.poll(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            if (message != null) {
                print(invocation, topic, message.value());
                printed++;
            } else if (deadline.expired()) {
                if (count == 0 && printed > 0) {
                    return LitecommCli.OK;
                }
                invocation.note(count == 0 ? "timed out: no message was published to topic '" + topic + "'"
                        : "timed out: received " + printed + " of " + count + " messages");
                return LitecommCli.FAILURE;
            }
        }
        return LitecommCli.OK;
    }

    /** A message as delivered; JSON null included. */
    private record Box(Object value) {
    }

    private static void print(Invocation invocation, String topic, Object message) throws Exception {
        JsonNode node = invocation.mapper().valueToTree(message);
        if (invocation.json()) {
            ObjectNode line = invocation.object().put("topic", topic);
            line.set("value", node);
            invocation.printJson(line);
        } else {
            invocation.println(invocation.mapper().writeValueAsString(node));
        }
    }
}
