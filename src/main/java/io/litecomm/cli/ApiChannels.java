package io.litecomm.cli;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.NoSuchChannelException;
import io.litecomm.ProcessManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Channels of a domain whose files the tool cannot read ({@code redis://}): opened, listed and
 * described through the public API alone, so the tool shows what that API gives of a channel
 * (its recorded type, the messages waiting, the closed flag) and nothing it would have to guess.
 */
final class ApiChannels {

    private ApiChannels() {
    }

    /**
     * What the public API shows of one channel.
     *
     * @param name channel name
     * @param type type descriptor recorded in the channel, or {@code null} where the API does not
     *     open the channel with a codec of the tool's (a managed child's control channel)
     * @param messages messages waiting
     * @param closed closed flag
     */
    record Info(String name, String type, int messages, boolean closed) {
    }

    /**
     * An existing channel opened as raw bytes under its recorded type.
     *
     * @param channel the channel
     * @param descriptor its recorded type
     */
    record Opened(Channel<byte[]> channel, String descriptor) {
    }

    /**
     * Opens an existing channel as raw bytes, learning its recorded type.
     *
     * @param comm the domain
     * @param name a channel name the API lets users open
     * @return the channel and its type
     * @throws NoSuchChannelException if there is no such channel
     */
    static Opened open(Comm comm, String name) {
        comm.getChannel(name); // never creates it; the view below then shares what this opened
        RawCodec codec = RawCodec.learning();
        Channel<byte[]> channel = comm.channel(name, codec);
        return new Opened(channel, codec.descriptor());
    }

    /**
     * Describes channels.
     *
     * @param comm the domain
     * @param names the channels to describe, or {@code null} for every channel of the domain
     * @param errors where a named channel that does not exist is reported
     * @param where the domain for messages ({@code uri=...})
     * @return one entry per channel found, sorted as given (every channel: by name)
     */
    static List<Info> describe(Comm comm, List<String> names, List<String> errors, String where) {
        Map<String, Channel<?>> all = comm.getChannels();
        List<Info> infos = new ArrayList<>();
        for (String name : names == null ? all.keySet() : names) {
            Channel<?> view = all.get(name);
            if (view == null) {
                errors.add("no such channel: channel=" + name + " " + where);
            } else {
                infos.add(describe(comm, name, view));
            }
        }
        return infos;
    }

    private static Info describe(Comm comm, String name, Channel<?> view) {
        String type = null;
        if (!name.endsWith(ProcessManager.CONTROL_SUFFIX)) {
            RawCodec codec = RawCodec.learning();
            comm.channel(name, codec);
            type = codec.descriptor();
        }
        return new Info(name, type, view.size(), view.isClosed());
    }
}
