package io.litecomm;

/**
 * A channel was opened with a payload type that does not match the one recorded when it was
 * created. The message names both.
 */
public class ChannelTypeException extends CommException {

    private static final long serialVersionUID = 1L;

    private final String requested;
    private final String recorded;

    /**
     * Creates the exception.
     *
     * @param channel channel name
     * @param location the channel's file
     * @param requested descriptor of the type asked for
     * @param recorded descriptor recorded in the channel
     */
    public ChannelTypeException(String channel, String location, String requested, String recorded) {
        super("incompatible channel type: channel=" + channel + " requested=" + requested + " recorded=" + recorded
                + " file=" + location);
        this.requested = requested;
        this.recorded = recorded;
    }

    /**
     * Descriptor of the type asked for.
     *
     * @return the descriptor
     */
    public String requested() {
        return requested;
    }

    /**
     * Descriptor recorded in the channel.
     *
     * @return the descriptor
     */
    public String recorded() {
        return recorded;
    }
}
