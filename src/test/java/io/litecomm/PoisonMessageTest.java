package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.RawJsonCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptom 7: a message a receiver cannot decode is never lost. The receiver gets a
 * {@link MessageDecodeException} with the raw bytes, the bytes are in {@code {name}.dead}, and the
 * next good message is received normally — on every receive path, across processes too.
 */
@Timeout(60)
class PoisonMessageTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] MAP = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Comm comm;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<byte[]> failedPayloads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        comm = Comm.open(dir.resolve("domain"), CommOptions.builder().failureHandler((context, failure) -> {
            failures.add(context.kind() + " " + context.source() + " " + failure.getClass().getSimpleName());
            context.payload().ifPresent(failedPayloads::add);
        }).build());
    }

    @AfterEach
    void close() {
        comm.close();
    }

    /** The active receive paths, each taking one message from a String channel. */
    private static final Map<String, Function<Channel<String>, String>> ACTIVE = Map.of(
            "receive", Channel::receive,
            "timed", c -> c.receive(WAIT).orElseThrow(),
            "try", c -> c.tryReceive().orElseThrow(),
            "iterator", c -> c.iterator().next(),
            "async-now", c -> join(c.receiveAsync()),
            "select", c -> Select.of(c).receive().value());

    @Test
    void everyActiveReceivePathThrowsDeadLettersAndGoesOn() {
        for (Map.Entry<String, Function<Channel<String>, String>> path : ACTIVE.entrySet()) {
            String name = "strings-" + path.getKey();
            Channel<String> strings = comm.channel(name, String.class);
            Channel<Object> untyped = comm.channel(name);
            untyped.send(Map.of("a", 1));
            untyped.send("next");
            MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> path.getValue().apply(strings),
                    path.getKey());
            assertPoison(e, name, "json:java.lang.String", MAP);
            assertEquals("next", path.getValue().apply(strings), path.getKey() + ": the next message comes normally");
            assertEquals(0, strings.size(), path.getKey());
            assertDeadLetters(name, List.of(MAP));
        }
    }

    @Test
    void aPendingReceiveAsyncFailsWithTheExceptionAndTheNextOneGetsTheGoodMessage() throws Exception {
        Channel<String> strings = comm.channel("async", String.class);
        Channel<Object> untyped = comm.channel("async");
        CompletableFuture<String> pending = strings.receiveAsync();
        untyped.send(List.of(1, 2));
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        MessageDecodeException poison = assertInstanceOf(MessageDecodeException.class, e.getCause());
        assertPoison(poison, "async", "json:java.lang.String", "[1,2]".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<String> next = strings.receiveAsync();
        untyped.send("fine");
        assertEquals("fine", next.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertDeadLetters("async", List.of("[1,2]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void passiveDecodeFailuresGoToThePolicyAndTheDeadLetterChannel() {
        Channel<String> strings = comm.channel("passive", String.class);
        Channel<Object> untyped = comm.channel("passive");
        List<String> got = new CopyOnWriteArrayList<>();
        strings.onReceive(got::add);
        untyped.send(Map.of("a", 1));
        untyped.send("after");
        Await.until(() -> got.contains("after"), WAIT, () -> "the handler stopped after a poison message: " + failures);
        assertEquals(List.of("after"), got);
        assertEquals(List.of("DECODE passive MessageDecodeException"), failures);
        assertArrayEquals(MAP, failedPayloads.get(0));
        assertDeadLetters("passive", List.of(MAP));
        assertEquals(1, ((DefaultChannel<String>) strings).core().getHandlerErrors());
        assertEquals(1, ((DefaultChannel<String>) strings).core().getDeadLettered());
    }

    @Test
    void typedChannelsAreStrict() {
        Channel<Integer> ints = comm.channel("ints", Integer.class);
        Channel<String> strings = comm.channel("texts", String.class);
        Channel<Boolean> booleans = comm.channel("flags", Boolean.class);
        Map<Channel<?>, List<String>> refused = Map.of(ints, List.of("3.7", "3.0", "\"12\"", "\"\"", "true", "1e3"),
                strings, List.of("12", "true", "1.5", "{\"a\":1}", "[\"a\"]"),
                booleans, List.of("1", "\"true\"", "0"));
        for (Map.Entry<Channel<?>, List<String>> entry : refused.entrySet()) {
            Channel<?> channel = entry.getKey();
            Channel<Object> untyped = comm.channel(channel.name());
            List<byte[]> expected = new ArrayList<>();
            for (String json : entry.getValue()) {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                comm.channel(channel.name(), RawJsonCodec.INSTANCE).send(bytes);
                MessageDecodeException e = assertThrows(MessageDecodeException.class, channel::receive,
                        channel.name() + " took " + json);
                assertArrayEquals(bytes, e.payload(), json);
                expected.add(bytes);
            }
            untyped.send(channel == strings ? "ok" : channel == ints ? 12 : true);
            assertEquals(channel == strings ? "ok" : channel == ints ? 12 : true, channel.receive());
            assertDeadLetters(channel.name(), expected);
        }
        // widening stays valid
        Channel<Long> longs = comm.channel("longs", Long.class);
        Channel<Double> doubles = comm.channel("doubles", Double.class);
        comm.channel("longs").send(12);
        comm.channel("doubles").send(12);
        assertEquals(12L, longs.receive());
        assertEquals(12.0, doubles.receive());
    }

    @Test
    void aFullDeadLetterChannelIsLoggedAndCountedAndNeverBlocksTheReceiver() {
        ChannelOptions small = ChannelOptions.builder().capacity(4096).maxMessageSize(100).build();
        Channel<byte[]> dead = comm.channel("full.dead", byte[].class, small);
        int filled = 0;
        while (dead.trySend(new byte[64])) {
            filled++;
        }
        Channel<String> strings = comm.channel("full", String.class);
        comm.channel("full").send(Map.of("a", 1));
        MessageDecodeException e = assertThrows(MessageDecodeException.class, strings::receive);
        assertFalse(e.deadLettered());
        assertTrue(e.deadLetterChannel().isEmpty());
        assertTrue(e.getMessage().contains("deadLetter=none"), e.getMessage());
        assertArrayEquals(MAP, e.payload(), "the caller still has the bytes");
        assertEquals(filled, dead.size());
        assertEquals(1, ((DefaultChannel<String>) strings).core().getDeadLetterFailures());
    }

    @Test
    void deadLetterChannelsAreBytesOnlyAndTheirNameMayBeLongerByTheSuffix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> comm.channel("x.dead", String.class));
        assertTrue(e.getMessage().contains("dead-letter channels hold raw bytes: name=x.dead"), e.getMessage());
        String longest = "n".repeat(Names.MAX_LENGTH);
        Channel<String> strings = comm.channel(longest, String.class);
        comm.channel(longest).send(7);
        MessageDecodeException poison = assertThrows(MessageDecodeException.class, strings::receive);
        assertEquals(longest + ".dead", poison.deadLetterChannel().orElseThrow());
        assertArrayEquals("7".getBytes(StandardCharsets.UTF_8), comm.channel(longest + ".dead", byte[].class).receive());
    }

    @Test
    void theLibrarysReservedNamesAreRefused() {
        for (String name : List.of("nonebot.control", "x.control")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> comm.channel(name));
            assertEquals("reserved channel name: name=" + name + " rule=names ending in .control are litecomm's own"
                    + " (a ProcessManager child's control channel)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> comm.channel(name, byte[].class));
            assertThrows(IllegalArgumentException.class, () -> comm.getChannel(name));
        }
        assertEquals("control", comm.channel("control").name(), "only the suffix is reserved");
        assertEquals("a.control-panel", comm.channel("a.control-panel").name());
    }

    @Test
    void sendersRefuseWhatReceiversWouldRefuse() {
        Channel<Object> untyped = comm.channel("deep");
        CommException e = assertThrows(CommException.class, () -> untyped.send(nested(497)));
        assertTrue(e.getMessage().contains("nested too deeply: limit=496 levels"), e.getMessage());
        assertFalse(e.getMessage().contains("`"), "no Jackson internals: " + e.getMessage());
        assertEquals(0, untyped.size(), "nothing written");
        untyped.send(nested(496));
        assertEquals(nested(496), untyped.receive(), "the deepest value a sender writes reads back");
    }

    @Test
    void aChildSendsAMapIntoAStringChannelAndNothingIsLost() {
        Channel<String> strings = comm.channel("xproc", String.class);
        try (ChildJvm child = ChildJvm.start(dir.resolve("logs"), UntypedSender.class, comm.directory().toString())) {
            child.awaitSuccess(Duration.ofSeconds(30));
        }
        assertEquals(2, strings.size());
        MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> strings.receive(WAIT));
        assertPoison(e, "xproc", "json:java.lang.String", "{\"from\":\"child\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("next", strings.receive(WAIT).orElseThrow());
        assertDeadLetters("xproc", List.of("{\"from\":\"child\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aChildsPassiveHandlerGoesOnAfterAPoisonMessageAndItsDeadLetterReachesTheParent() {
        try (ChildJvm child = ChildJvm.start(dir.resolve("logs"), PassiveReceiver.class, comm.directory().toString())) {
            child.awaitOutput("ready", Duration.ofSeconds(30));
            Channel<Object> untyped = comm.channel("xpassive");
            untyped.send(Map.of("a", 1));
            untyped.send("good");
            child.awaitOutput("got good", Duration.ofSeconds(30));
            String out = child.output();
            assertTrue(out.contains("failure DECODE xpassive MessageDecodeException length=7"), out);
            assertFalse(out.contains("got {"), out);
        }
        assertDeadLetters("xpassive", List.of(MAP));
    }

    /** Child: a passive String handler on "xpassive" that prints what it gets and what fails. */
    public static final class PassiveReceiver {
        /**
         * Runs the child until the parent goes.
         *
         * @param args the domain directory
         * @throws InterruptedException never in practice
         */
        public static void main(String[] args) throws InterruptedException {
            ChildJvm.haltWhenParentGone();
            CommOptions options = CommOptions.builder().failureHandler((context, failure) -> say("failure "
                    + context.kind() + " " + context.source() + " " + failure.getClass().getSimpleName() + " length="
                    + context.payload().map(p -> p.length).orElse(-1))).build();
            try (Comm child = Comm.open(Path.of(args[0]), options)) {
                child.channel("xpassive", String.class).onReceive(message -> say("got " + message));
                say("ready");
                Thread.currentThread().join(TimeUnit.MINUTES.toMillis(2));
            }
        }

        private static void say(String line) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Child: sends an untyped Map, then a good String, into the parent's String channel "xproc". */
    public static final class UntypedSender {
        /**
         * Runs the child.
         *
         * @param args the domain directory
         */
        public static void main(String[] args) {
            ChildJvm.haltWhenParentGone();
            try (Comm child = Comm.open(Path.of(args[0]))) {
                Channel<Object> untyped = child.channel("xproc");
                untyped.send(Map.of("from", "child"));
                untyped.send("next");
            }
        }
    }

    private static Object nested(int depth) {
        Object value = List.of();
        for (int i = 1; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }

    private static void assertPoison(MessageDecodeException e, String channel, String type, byte[] bytes) {
        assertEquals(channel, e.channel());
        assertEquals(type, e.expectedType());
        assertArrayEquals(bytes, e.payload());
        assertTrue(e.deadLettered());
        assertEquals(channel + ".dead", e.deadLetterChannel().orElseThrow());
        assertTrue(e.getMessage().startsWith("cannot decode message: channel=" + channel + " type=" + type + " length="
                + bytes.length + " deadLetter=" + channel + ".dead cause="), e.getMessage());
        assertInstanceOf(CommException.class, e);
    }

    /** The dead-letter channel holds exactly these bytes, in order; drains it. */
    private void assertDeadLetters(String channel, List<byte[]> expected) {
        Channel<byte[]> dead = comm.channel(channel + ".dead", byte[].class);
        for (byte[] bytes : expected) {
            assertArrayEquals(bytes, dead.tryReceive().orElseThrow(() -> new AssertionError("missing dead letter: "
                    + new String(bytes, StandardCharsets.UTF_8))));
        }
        assertTrue(dead.tryReceive().isEmpty(), "more dead letters than expected in " + dead.name());
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
