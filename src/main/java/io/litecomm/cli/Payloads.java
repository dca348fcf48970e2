package io.litecomm.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.codec.Codecs;
import io.litecomm.codec.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Turns message payloads into text and command-line arguments into payloads, by the channel's
 * type descriptor: JSON channels carry JSON text, every other channel raw bytes (shown in base64,
 * or hex with {@code --hex}).
 */
final class Payloads {

    /**
     * Parses arguments with the senders' limits: what it accepts, every litecomm receiver reads
     * (nesting at most {@link JsonSupport#MAX_WRITE_NESTING_DEPTH}), and exactly one value.
     */
    private static final ObjectMapper ARGUMENTS = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonSupport.MAX_WRITE_NESTING_DEPTH)
                    .build())
            .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Payloads() {
    }

    /**
     * Parses one JSON value given on the command line, refusing with one line that names the
     * problem (never Jackson's internals).
     *
     * @param text the argument
     * @param what what it is, for the message
     * @return the value as a tree
     * @throws UsageException if it is not exactly one JSON value, or is nested deeper than senders write
     */
    static JsonNode parseJson(String text, String what) {
        JsonNode node;
        try {
            node = ARGUMENTS.readTree(text);
        } catch (StreamConstraintsException e) {
            String problem = e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth")
                    ? "nested too deeply: limit=" + JsonSupport.MAX_WRITE_NESTING_DEPTH + " levels, as for every sender"
                            + " (receivers read at most " + JsonSupport.MAX_NESTING_DEPTH + ")"
                    : JsonSupport.describe(e);
            throw new UsageException(what + " is refused: " + problem);
        } catch (JsonProcessingException e) {
            throw new UsageException(what + " is not JSON: " + JsonSupport.describe(e)
                    + " (a string needs quotes: '\"text\"', or use --string)");
        }
        if (node == null || node.isMissingNode()) {
            throw new UsageException(what + " is empty: give one JSON value");
        }
        return node;
    }

    static boolean isJson(String descriptor) {
        return descriptor.startsWith(Codecs.JSON_PREFIX);
    }

    /**
     * A payload as one line of text.
     *
     * @param payload the bytes
     * @param descriptor the channel's type
     * @param hex bytes in hex rather than base64
     * @return JSON text, base64 or hex
     */
    static String text(byte[] payload, String descriptor, boolean hex) {
        if (isJson(descriptor)) {
            return new String(payload, StandardCharsets.UTF_8);
        }
        return hex ? HexFormat.of().formatHex(payload) : Base64.getEncoder().encodeToString(payload);
    }

    /**
     * Adds a payload to a JSON output object: {@code "value"} for JSON (or {@code "text"} if it does
     * not parse), {@code "base64"} or {@code "hex"} for bytes.
     *
     * @param target the object
     * @param invocation for its mapper
     * @param payload the bytes
     * @param descriptor the channel's type
     * @return the object
     */
    static ObjectNode put(ObjectNode target, Invocation invocation, byte[] payload, String descriptor) {
        if (isJson(descriptor)) {
            try {
                JsonNode value = invocation.mapper().readTree(payload);
                target.set("value", value);
            } catch (IOException e) {
                target.put("text", new String(payload, StandardCharsets.UTF_8));
            }
        } else if (invocation.args().flag("--hex")) {
            target.put("hex", HexFormat.of().formatHex(payload));
        } else {
            target.put("base64", Base64.getEncoder().encodeToString(payload));
        }
        return target;
    }

    /**
     * The payload for a message given on the command line.
     *
     * @param invocation flags: {@code --base64}, {@code --hex} (bytes), {@code --string} (JSON)
     * @param argument the argument
     * @param descriptor the channel's type
     * @return the bytes to send
     * @throws UsageException if the argument does not fit the channel's type
     */
    static byte[] fromArgument(Invocation invocation, String argument, String descriptor) {
        Args args = invocation.args();
        if (isJson(descriptor)) {
            if (args.flag("--base64") || args.flag("--hex")) {
                throw new UsageException("--base64 and --hex are for bytes channels; this one is " + descriptor);
            }
            return json(invocation, argument, "message");
        }
        if (args.flag("--string")) {
            throw new UsageException("--string is for JSON channels; this one is " + descriptor);
        }
        try {
            if (args.flag("--base64")) {
                return Base64.getDecoder().decode(argument.trim());
            }
            if (args.flag("--hex")) {
                return HexFormat.of().parseHex(argument.trim());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("message is not valid " + (args.flag("--hex") ? "hex" : "base64") + ": " + e.getMessage());
        }
        return argument.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One JSON value from the command line as compact UTF-8 JSON; with {@code --string} the
     * argument is the text of a JSON string.
     *
     * @param invocation the invocation
     * @param argument the argument
     * @param what what it is, for messages
     * @return the bytes
     * @throws UsageException if it is not JSON, or is {@code null} (the Java API refuses null messages)
     */
    static byte[] json(Invocation invocation, String argument, String what) {
        JsonNode node = invocation.args().flag("--string") ? invocation.mapper().getNodeFactory().textNode(argument)
                : parseJson(argument, what);
        if (node.isNull()) {
            throw new UsageException(what + " is JSON null, which litecomm does not send");
        }
        try {
            return invocation.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
