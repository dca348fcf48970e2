package io.litecomm.cli;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.mapped.inspect.MailboxReader;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** {@code litecomm recv}: receives (takes) messages from a channel, through the public API. */
final class RecvCommand implements Command {

    @Override
    public String name() {
        return "recv";
    }

    @Override
    public String summary() {
        return "receive (consume) messages from a channel";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm recv CHANNEL [--count N] [--timeout MS] [--hex] [--dir DIR | --url URI]
                                     [--json]

                Receives --count messages (default 1) from a channel and prints them, one per
                line: JSON channels as JSON, other channels as base64 (--hex: hex). Received
                messages are taken: no other receiver gets them (use 'litecomm tail' to look
                without taking). Waits for messages for ever, or at most --timeout milliseconds
                in all (--timeout 0: take only what is there now).

                With --json each line is {"channel", "value"} (or "base64"/"hex").

                Exit status: 0 all --count messages received; 1 no such channel, or the timeout
                passed or the channel was closed and drained first (what was received is
                printed); 2 usage error.
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--count", "--timeout");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--hex");
    }

    @Override
    public int execute(Invocation invocation) {
        Args args = invocation.args();
        String name = Domains.checkUserName(args.positional(0, "CHANNEL"));
        args.noMoreThan(1);
        long count = args.number("--count", 1, 1);
        Deadline deadline = Deadline.of(args);
        if (!invocation.files()) {
            try (Comm comm = invocation.open()) {
                ApiChannels.Opened opened = ApiChannels.open(comm, name);
                return receive(invocation, name, opened.channel(), opened.descriptor(), count, deadline);
            }
        }
        String descriptor;
        try (MailboxReader view = invocation.openChannel(name)) {
            descriptor = view.header().typeDescriptor(); // closed before the Comm maps the file
        }
        try (Comm comm = Comm.open(invocation.domain())) {
            comm.getChannel(name);
            return receive(invocation, name, comm.channel(name, new RawCodec(descriptor)), descriptor, count, deadline);
        }
    }

    private static int receive(Invocation invocation, String name, Channel<byte[]> channel, String descriptor, long count,
                               Deadline deadline) {
        long received = 0;
        while (received < count) {
            Optional<byte[]> message = channel.receive(Duration.ofNanos(deadline.remainingNanos()));
            if (message.isPresent()) {
                print(invocation, name, message.get(), descriptor);
                received++;
            } else if (channel.isClosed() && channel.size() == 0) {
                invocation.note("channel closed and drained: received " + received + " of " + count);
                return LitecommCli.FAILURE;
            } else if (deadline.expired()) {
                invocation.note("timed out: received " + received + " of " + count);
                return LitecommCli.FAILURE;
            }
        }
        return LitecommCli.OK;
    }

    private static void print(Invocation invocation, String name, byte[] payload, String descriptor) {
        if (invocation.json()) {
            invocation.printJson(Payloads.put(invocation.object().put("channel", name), invocation, payload, descriptor));
        } else {
            invocation.println(Payloads.text(payload, descriptor, invocation.args().flag("--hex")));
        }
    }
}
