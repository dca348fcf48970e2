package io.litecomm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.litecomm.Comm;
import java.util.Set;

/** {@code litecomm pub}: publishes messages to a pub/sub topic of the domain's shared memory. */
final class PubCommand implements Command {

    @Override
    public String name() {
        return "pub";
    }

    @Override
    public String summary() {
        return "publish messages to a pub/sub topic";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm pub TOPIC JSON... [--string] [--dir DIR | --url URI] [--json]

                Publishes each JSON value, in order, to TOPIC: every subscriber of the topic in
                every process of the domain receives it (SharedMemory.publish). Quote values for
                the shell (litecomm pub news '{"title": "hello"}'); --string takes each argument
                as the text of a JSON string. Publishing never waits for subscribers. Creates the
                domain and its shared-memory files if needed.

                Exit status: 0 published; 1 message too large or other failure; 2 usage error.
                """;
    }

    @Override
    public Set<String> flags() {
        return Set.of("--string");
    }

    @Override
    public int execute(Invocation invocation) throws Exception {
        Args args = invocation.args();
        String topic = args.positional(0, "TOPIC");
        args.positional(1, "JSON value");
        if (topic.isEmpty()) {
            throw new UsageException("the topic must not be empty");
        }
        int published = 0;
        try (Comm comm = invocation.open()) {
            for (String text : args.positionals().subList(1, args.positionals().size())) {
                JsonNode node = args.flag("--string") ? invocation.mapper().getNodeFactory().textNode(text)
                        : Payloads.parseJson(text, "message");
                comm.sharedMemory().publish(topic, invocation.mapper().treeToValue(node, Object.class));
                published++;
            }
        }
        if (invocation.json()) {
            invocation.printJson(invocation.object().put("topic", topic).put("published", published));
        }
        return LitecommCli.OK;
    }
}
