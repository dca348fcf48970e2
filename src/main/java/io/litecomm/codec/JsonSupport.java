package io.litecomm.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.regex.Pattern;

/**
 * The shared Jackson mapper: default typing off (never enabled anywhere in litecomm), nesting
 * bounded so hostile input fails with a decode error rather than a {@code StackOverflowError}, and
 * strict types.
 *
 * <p>Strict: a JSON value is bound to a type only when it is of that type's JSON shape. No
 * float-to-integer ({@code 3.7} is not an {@code Integer}, nor is {@code 3.0}), no string-to-number
 * or string-to-boolean ({@code "12"} is not an {@code Integer}), no number or boolean to string
 * ({@code 12} is not a {@code String}), no integer to boolean, no empty string to {@code null}.
 * Widening stays: an integer is a valid {@code Long}, {@code Double} or {@code BigDecimal}.
 *
 * <p>Limits: nesting at most {@value #MAX_NESTING_DEPTH} levels when reading; writers refuse more
 * than {@value #MAX_WRITE_NESTING_DEPTH}, so anything a litecomm sender writes reads back, even
 * wrapped in a small envelope. Strings and names are bounded only by the message size (a
 * channel's maximum message size bounds every document).
 */
public final class JsonSupport {

    /** Deepest JSON nesting accepted by readers. */
    public static final int MAX_NESTING_DEPTH = 500;
    /** Deepest JSON nesting senders write: a little below the readers' limit. */
    public static final int MAX_WRITE_NESTING_DEPTH = MAX_NESTING_DEPTH - 4;

    private static final Pattern JACKSON_HINTS = Pattern.compile(
            "\\s*\\((?:but (?:could|might) if coercion|bound as|from `|through reference chain)[^)]*\\)"
            + "|:?\\s*(?:not allowed as per|enable|disable) `[^`]*`(?: to allow)?");

    private static final ObjectMapper MAPPER = newMapper();

    private JsonSupport() {
    }

    /**
     * The shared mapper. Do not reconfigure it.
     *
     * @return the mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A new mapper with litecomm's safe and strict settings.
     *
     * @return the mapper
     */
    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE).build())
                // what is written must read back, even wrapped in a small envelope
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_WRITE_NESTING_DEPTH).build())
                .build();
        return JsonMapper.builder(factory)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /**
     * One line saying what is wrong with a JSON document, without Jackson's internals (source
     * descriptions, feature names, reference chains).
     *
     * @param e what Jackson threw
     * @return e.g. {@code Unexpected end-of-input in an array at line 1 column 4}
     */
    public static String describe(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof StreamConstraintsException && message != null && message.contains("nesting depth")) {
                boolean writing = message.contains("StreamWriteConstraints");
                return "nested too deeply: limit=" + (writing ? MAX_WRITE_NESTING_DEPTH : MAX_NESTING_DEPTH) + " levels";
            }
        }
        String original = e.getOriginalMessage();
        String text = original == null ? e.getClass().getSimpleName() : original;
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        text = JACKSON_HINTS.matcher(text).replaceAll("").replace("`", "").trim();
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0 && !(e instanceof JsonGenerationException)) {
            text += " at line " + location.getLineNr() + " column " + location.getColumnNr();
        }
        return text;
    }
}
