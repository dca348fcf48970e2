package io.litecomm;

/**
 * A message is larger than the channel's maximum message size; nothing was written.
 */
public class MessageTooLargeException extends CommException {

    private static final long serialVersionUID = 1L;

    private final int length;
    private final int maximum;

    /**
     * Creates the exception.
     *
     * @param channel channel name
     * @param length encoded length of the message
     * @param maximum the channel's maximum
     */
    public MessageTooLargeException(String channel, int length, int maximum) {
        super("message too large: channel=" + channel + " length=" + length + " max=" + maximum);
        this.length = length;
        this.maximum = maximum;
    }

    /**
     * Encoded length of the refused message.
     *
     * @return bytes
     */
    public int length() {
        return length;
    }

    /**
     * The channel's maximum message size.
     *
     * @return bytes
     */
    public int maximum() {
        return maximum;
    }
}
