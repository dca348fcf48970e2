package io.litecomm.cli;

import io.litecomm.mapped.inspect.MailboxReader;
import java.util.Set;

/**
 * {@code litecomm tail}: prints a channel's messages as they arrive without taking them, by
 * reading committed records from a read-only mapping, from the head on.
 */
final class TailCommand implements Command {

    @Override
    public String name() {
        return "tail";
    }

    @Override
    public String summary() {
        return "print a channel's messages as they arrive, without consuming them";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm tail CHANNEL [--count N] [--timeout MS] [--new] [--hex] [--dir DIR] [--json]

                Prints the messages of a channel without receiving them: receivers still get
                every message. Starts with the messages waiting now (from the head; --new: only
                messages sent from now on) and follows new ones as they are committed, until
                --count messages were printed, --timeout milliseconds passed, the channel is
                closed and fully read, or Ctrl-C.

                JSON channels print one JSON value per line; other channels print the bytes in
                base64 (--hex: hex). With --json each line is {"channel", "position", "value"}
                (or "base64"/"hex").

                A consumed message stays readable until producers write over its space; a
                record overwritten before tail could read it is reported as skipped (on
                standard error; --json: a {"skippedBytes": N} line), with the ring bytes lost.

                tail reads the channel's mapped file, so it needs a file: domain; on a redis://
                domain it says so and exits with 1 (the public API has no look without taking).

                Exit status: 0 ok; 1 no such channel, corrupt file, --timeout passed before
                --count messages, or not a file: domain; 2 usage error.
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--count", "--timeout");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--new", "--hex");
    }

    @Override
    public int execute(Invocation invocation) {
        Args args = invocation.args();
        String channel = Domains.checkName(args.positional(0, "CHANNEL"));
        args.noMoreThan(1);
        long count = args.number("--count", 0, 1);
        Deadline deadline = Deadline.of(args);
        invocation.requireFiles("tail reads the channel's mapped file without taking messages;"
                + " 'litecomm recv' takes them, 'litecomm ls' counts them");
        try (MailboxReader view = invocation.openChannel(channel)) {
            String descriptor = view.header().typeDescriptor();
            long position = args.flag("--new") ? view.tail() : view.head();
            long printed = 0;
            while (count == 0 || printed < count) {
                MailboxReader.Slot slot = view.peek(position, true);
                switch (slot.kind()) {
                    case MESSAGE -> {
                        print(invocation, channel, slot, descriptor);
                        printed++;
                        position = slot.next();
                        deadline.reset();
                    }
                    case PADDING -> position = slot.next();
                    case OVERWRITTEN -> {
                        long head = view.head();
                        skipped(invocation, channel, position, head);
                        position = head;
                    }
                    case CORRUPT -> throw new Failure("corrupt file: " + view.file() + ": " + slot.problem());
                    default -> {
                        if (slot.kind() == MailboxReader.Kind.PENDING) {
                            failIfUnclaimed(view, position);
                        }
                        if (slot.kind() == MailboxReader.Kind.END && view.closed() && position >= view.tail()) {
                            return LitecommCli.OK;
                        }
                        if (deadline.expired()) {
                            return timedOut(invocation, count, printed);
                        }
                        deadline.idle();
                    }
                }
            }
            return LitecommCli.OK;
        }
    }

    private static void failIfUnclaimed(MailboxReader view, long position) {
        String problem = view.unclaimedProblem(position);
        if (problem != null) {
            throw new Failure("corrupt file: " + view.file() + ": " + problem);
        }
    }

    private static int timedOut(Invocation invocation, long count, long printed) {
        if (count == 0) {
            return LitecommCli.OK;
        }
        invocation.note("timed out: printed " + printed + " of " + count + " messages");
        return LitecommCli.FAILURE;
    }

    private static void print(Invocation invocation, String channel, MailboxReader.Slot slot, String descriptor) {
        if (invocation.json()) {
            invocation.printJson(Payloads.put(invocation.object().put("channel", channel).put("position", slot.position()),
                    invocation, slot.payload(), descriptor));
        } else {
            invocation.println(Payloads.text(slot.payload(), descriptor, invocation.args().flag("--hex")));
        }
    }

    private static void skipped(Invocation invocation, String channel, long from, long to) {
        if (invocation.json()) {
            invocation.printJson(invocation.object().put("channel", channel).put("skippedBytes", to - from)
                    .put("from", from).put("to", to));
        } else {
            invocation.note("skipped " + (to - from) + " bytes of records overwritten before they could be read"
                    + " (positions " + from + " to " + to + ")");
        }
    }
}
