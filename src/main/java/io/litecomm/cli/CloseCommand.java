package io.litecomm.cli;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.NoSuchChannelException;

/** {@code litecomm close} and {@code litecomm rm}: close a channel for every process, or close and delete it. */
final class CloseCommand implements Command {

    private final boolean delete;

    /**
     * The command.
     *
     * @param delete {@code true} for {@code rm}, {@code false} for {@code close}
     */
    CloseCommand(boolean delete) {
        this.delete = delete;
    }

    @Override
    public String name() {
        return delete ? "rm" : "close";
    }

    @Override
    public String summary() {
        return delete ? "close a channel and delete it (its file, or its keys)" : "close a channel for every process";
    }

    @Override
    public String help() {
        if (delete) {
            return """
                    Usage: litecomm rm CHANNEL... [--dir DIR | --url URI] [--json]

                    Closes each channel and deletes its file (on redis://, its keys), so the name
                    can be used again.
                    Messages still waiting are lost. Processes that still hold the channel see it
                    closed. A corrupt channel file is deleted all the same.

                    Exit status: 0 all deleted; 1 a channel did not exist (the others are still
                    deleted); 2 usage error.
                    """;
        }
        return """
                Usage: litecomm close CHANNEL... [--dir DIR | --url URI] [--json]

                Closes each channel for every process (Go's close): sends fail from now on,
                receivers drain what is waiting and then see the channel closed. Closing a
                closed channel does nothing. The file stays until 'litecomm rm'.

                Exit status: 0 all closed; 1 a channel did not exist (the others are still
                closed); 2 usage error.
                """;
    }

    @Override
    public int execute(Invocation invocation) {
        Args args = invocation.args();
        args.positional(0, "CHANNEL");
        args.positionals().forEach(Domains::checkName);
        if (invocation.files()) {
            invocation.existingDomain();
        }
        int status = LitecommCli.OK;
        try (Comm comm = invocation.open()) {
            for (String name : args.positionals()) {
                if (delete) {
                    status = Math.max(status, delete(invocation, comm, name));
                } else {
                    status = Math.max(status, close(invocation, comm, name));
                }
            }
        }
        return status;
    }

    private static int delete(Invocation invocation, Comm comm, String name) {
        boolean existed = comm.delete(name);
        if (!existed) {
            invocation.note("no such channel: channel=" + name + " " + invocation.where());
        } else if (invocation.json()) {
            invocation.printJson(invocation.object().put("channel", name).put("deleted", true));
        }
        return existed ? LitecommCli.OK : LitecommCli.FAILURE;
    }

    private static int close(Invocation invocation, Comm comm, String name) {
        Channel<Object> channel;
        try {
            channel = comm.getChannel(name);
        } catch (NoSuchChannelException e) {
            invocation.note(e.getMessage());
            return LitecommCli.FAILURE;
        }
        boolean wasClosed = channel.isClosed();
        channel.close();
        if (invocation.json()) {
            invocation.printJson(invocation.object().put("channel", name).put("closed", true).put("wasClosed", wasClosed));
        } else if (wasClosed) {
            invocation.note("already closed: channel=" + name);
        }
        return LitecommCli.OK;
    }
}
