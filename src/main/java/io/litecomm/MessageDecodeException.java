package io.litecomm;

import java.util.Optional;

/**
 * A receiver could not decode a message into its channel's type: the JSON does not fit the type
 * (typed channels are strict: no float-to-int, no string-to-number, no scalar coercion), is not
 * valid JSON, is nested too deeply, or decodes to {@code null}.
 *
 * <p>Nothing is lost: the exception carries the raw bytes, and the message was also moved to the
 * channel's dead-letter channel ({@link #deadLetterChannel()}, {@code {name}.dead}, a
 * {@code byte[]} channel any process can open and drain) unless that channel was full or unusable,
 * which {@link #deadLettered()} tells and the log says. The channel itself goes on with the next
 * message.
 */
public class MessageDecodeException extends CommException {

    private static final long serialVersionUID = 1L;

    private final String channel;
    private final String expectedType;
    private final transient byte[] payload;
    private final String deadLetterChannel;
    private final boolean deadLettered;

    /**
     * Creates the exception.
     *
     * @param channel the channel's name
     * @param expectedType the descriptor of the type the receiver wanted, e.g. {@code json:java.lang.String}
     * @param payload the raw bytes of the message; kept as given
     * @param deadLetterChannel name of the dead-letter channel, or {@code null} if there is none
     * @param deadLettered whether the bytes were written to the dead-letter channel
     * @param problem what was wrong, one line
     * @param cause the decoder's exception, or {@code null}
     */
    public MessageDecodeException(String channel, String expectedType, byte[] payload, String deadLetterChannel,
            boolean deadLettered, String problem, Throwable cause) {
        super("cannot decode message: channel=" + channel + " type=" + expectedType + " length=" + payload.length
                + " deadLetter=" + (deadLettered ? deadLetterChannel : "none") + " cause=" + problem, cause);
        this.channel = channel;
        this.expectedType = expectedType;
        this.payload = payload;
        this.deadLetterChannel = deadLetterChannel;
        this.deadLettered = deadLettered;
    }

    /**
     * The channel the message was taken from.
     *
     * @return its name
     */
    public String channel() {
        return channel;
    }

    /**
     * The type the receiver expected, as a codec descriptor (e.g. {@code json:java.lang.Integer}).
     *
     * @return the descriptor
     */
    public String expectedType() {
        return expectedType;
    }

    /**
     * The raw bytes of the message, as taken from the channel.
     *
     * @return a copy of the bytes
     */
    public byte[] payload() {
        return payload == null ? new byte[0] : payload.clone();
    }

    /**
     * The dead-letter channel that holds a copy of the bytes, if they were written there.
     *
     * @return its name ({@code {channel}.dead}), or empty if the bytes were not dead-lettered (the
     *     dead-letter channel was full, closed or damaged: logged and counted)
     */
    public Optional<String> deadLetterChannel() {
        return deadLettered ? Optional.of(deadLetterChannel) : Optional.empty();
    }

    /**
     * Whether the bytes were written to the dead-letter channel.
     *
     * @return {@code true} if they were
     */
    public boolean deadLettered() {
        return deadLettered;
    }
}
