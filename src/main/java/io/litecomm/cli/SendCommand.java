package io.litecomm.cli;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.NoSuchChannelException;
import io.litecomm.mapped.inspect.MailboxReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code litecomm send}: sends messages given on the command line, through the public API. */
final class SendCommand implements Command {

    @Override
    public String name() {
        return "send";
    }

    @Override
    public String summary() {
        return "send messages (JSON values, or bytes) to a channel";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm send CHANNEL MESSAGE... [--string] [--base64 | --hex] [--timeout MS]
                                     [--create] [--dir DIR | --url URI] [--json]

                Sends each MESSAGE, in order, to an existing channel. On a JSON channel a MESSAGE
                is one JSON value (quote it for the shell: litecomm send jobs '{"id": 1}'); with
                --string it is taken as the text of a JSON string. On a bytes channel a MESSAGE is
                sent as its UTF-8 bytes, or decoded with --base64 or --hex. The value is not
                checked against a typed channel's Java type: a receiver whose type refuses it
                moves it to CHANNEL.dead. JSON nested deeper than 496 levels is refused.

                A full channel blocks the send (backpressure) until there is room; --timeout MS
                gives up after MS milliseconds. --create makes an untyped JSON channel (json:any,
                default options) if there is none, creating the domain directory if needed.
                On a redis:// domain (--url) the channel's type is the one recorded on the server.

                Exit status: 0 all sent; 1 no such channel, channel closed, full until the
                timeout, or message too large; 2 usage error (bad JSON, JSON null, wrong flag
                for the channel's type).
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--timeout");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--string", "--base64", "--hex", "--create");
    }

    @Override
    public int execute(Invocation invocation) {
        Args args = invocation.args();
        String name = Domains.checkUserName(args.positional(0, "CHANNEL"));
        args.positional(1, "MESSAGE");
        Deadline deadline = Deadline.of(args);
        boolean bounded = args.value("--timeout").isPresent();
        if (!invocation.files()) {
            try (Comm comm = invocation.open()) {
                if (args.flag("--create")) {
                    create(comm, name);
                }
                ApiChannels.Opened opened = ApiChannels.open(comm, name);
                sendAll(invocation, name, opened.channel(), opened.descriptor(), messages(invocation, opened.descriptor()),
                        deadline, bounded);
            }
            return LitecommCli.OK;
        }
        if (args.flag("--create") && !Files.exists(Domains.channelFile(invocation.domain(), name), LinkOption.NOFOLLOW_LINKS)) {
            try (Comm comm = Comm.open(invocation.domain())) {
                comm.channel(name, Object.class, ChannelOptions.defaults());
            }
        }
        String descriptor;
        try (MailboxReader view = invocation.openChannel(name)) {
            descriptor = view.header().typeDescriptor(); // closed before the Comm maps the file and takes its locks
        }
        List<byte[]> messages = messages(invocation, descriptor);
        try (Comm comm = Comm.open(invocation.domain())) {
            comm.getChannel(name);
            sendAll(invocation, name, comm.channel(name, new RawCodec(descriptor)), descriptor, messages, deadline, bounded);
        }
        return LitecommCli.OK;
    }

    /** Creates an untyped JSON channel with default options unless one exists. */
    private static void create(Comm comm, String name) {
        try {
            comm.getChannel(name);
        } catch (NoSuchChannelException e) {
            comm.channel(name, Object.class, ChannelOptions.defaults());
        }
    }

    /** The payloads of the MESSAGE arguments for a channel of type {@code descriptor}. */
    private static List<byte[]> messages(Invocation invocation, String descriptor) {
        List<String> positionals = invocation.args().positionals();
        List<byte[]> messages = new ArrayList<>();
        for (String argument : positionals.subList(1, positionals.size())) {
            messages.add(Payloads.fromArgument(invocation, argument, descriptor));
        }
        return messages;
    }

    private static void sendAll(Invocation invocation, String name, Channel<byte[]> channel, String descriptor,
                                List<byte[]> messages, Deadline deadline, boolean bounded) {
        int sent = 0;
        for (byte[] message : messages) {
            boolean ok = bounded ? channel.send(message, Duration.ofNanos(deadline.remainingNanos()))
                    : send(channel, message);
            if (!ok) {
                throw new Failure("timed out: channel full: channel=" + name + " sent " + sent + " of " + messages.size());
            }
            sent++;
        }
        if (invocation.json()) {
            invocation.printJson(invocation.object().put("channel", name).put("type", descriptor).put("sent", sent));
        }
    }

    private static boolean send(Channel<byte[]> channel, byte[] message) {
        channel.send(message);
        return true;
    }
}
