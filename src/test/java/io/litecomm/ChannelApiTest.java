package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.NullNode;
import io.litecomm.codec.Codec;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.testing.ChildJvm.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Channel, Select and Comm semantics in one process. */
@Timeout(60)
class ChannelApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ChannelOptions SMALL = ChannelOptions.builder().capacity(4096).maxMessageSize(100).build();

    @TempDir
    Path dir;

    private Comm comm;

    @BeforeEach
    void open() {
        comm = Comm.open(dir.resolve("domain"));
    }

    @AfterEach
    void close() {
        comm.close();
    }

    /** Runs {@code body} in a new thread and returns what it threw, or null. */
    private static final class Runner {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicReference<Object> result = new AtomicReference<>();
        volatile boolean interruptedAfter;
        final Thread thread;

        Runner(Supplier<Object> body) {
            thread = new Thread(() -> {
                try {
                    result.set(body.get());
                } catch (Throwable t) {
                    thrown.set(t);
                }
                interruptedAfter = Thread.currentThread().isInterrupted();
            });
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits until the thread is parked in an idle wait: really blocked, not merely started. */
        Runner awaitBlocked() {
            Await.until(() -> thread.getState() == Thread.State.TIMED_WAITING || !thread.isAlive(), WAIT,
                    () -> "thread never blocked: state=" + thread.getState());
            assertTrue(thread.isAlive(), () -> "thread ended instead of blocking: thrown=" + thrown.get());
            return this;
        }

        Runner join() throws InterruptedException {
            thread.join(WAIT.toMillis());
            assertFalse(thread.isAlive(), "thread did not finish");
            return this;
        }
    }

    private static <T> List<T> synchronizedList() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    private long tailOf(String name) throws IOException {
        try (FileChannel ch = FileChannel.open(comm.directory().resolve(name + ".chan"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, MailboxLayout.TAIL_OFFSET);
            return b.getLong(0) & ~MailboxLayout.CLOSED_BIT;
        }
    }

    // ---- receive modes ----

    @Test
    void activeModeRefusesPassiveNamingTheMode() {
        Channel<String> ch = comm.channel("modes", String.class);
        assertEquals(Optional.empty(), ch.tryReceive());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.onReceive(s -> { }));
        assertTrue(e.getMessage().contains("active mode"), e.getMessage());
        assertTrue(e.getMessage().contains("modes"), e.getMessage());
        Channel<String> sameChannelOtherView = comm.channel("modes", String.class);
        assertThrows(IllegalStateException.class, () -> sameChannelOtherView.onReceive(s -> true, s -> { }));
    }

    @Test
    void passiveModeRefusesActiveNamingTheMode() {
        Channel<String> ch = comm.channel("modes", String.class);
        ch.onReceive(s -> { });
        for (Runnable active : List.<Runnable>of(ch::tryReceive, () -> ch.receive(Duration.ZERO), ch::receiveAsync,
                ch::iterator, () -> Select.of(ch))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, active::run);
            assertTrue(e.getMessage().contains("passive mode"), e.getMessage());
        }
    }

    @Test
    void modeIsPerProcessNotPerChannelFile() {
        Channel<String> passive = comm.channel("modes", String.class);
        passive.onReceive(s -> { });
        try (Comm other = Comm.open(comm.directory())) {
            Channel<String> active = other.channel("modes", String.class);
            assertEquals(Optional.empty(), active.tryReceive());
        }
    }

    // ---- passive handlers ----

    @Test
    void passiveHandlersRunInRegistrationOrderWithFilters() {
        Channel<Integer> ch = comm.channel("passive", Integer.class);
        List<String> log = synchronizedList();
        ch.onReceive(i -> log.add("all:" + i));
        ch.onReceive(i -> i % 2 == 0, i -> log.add("even:" + i));
        ch.onReceive(i -> i > 100, i -> log.add("never:" + i));
        ch.onReceive(i -> log.add("last:" + i));
        for (int i = 1; i <= 4; i++) {
            ch.send(i);
        }
        Await.until(() -> log.size() == 10, WAIT, () -> "handlers ran: " + log);
        assertEquals(List.of("all:1", "last:1", "all:2", "even:2", "last:2", "all:3", "last:3", "all:4", "even:4",
                "last:4"), log);
        assertEquals(0, ch.size());
    }

    @Test
    void throwingHandlerDoesNotStopTheOthers() {
        Channel<String> ch = comm.channel("throwing", String.class);
        List<String> got = synchronizedList();
        ch.onReceive(s -> {
            throw new IllegalStateException("handler failure on purpose: " + s);
        });
        ch.onReceive(s -> s.startsWith("e"), s -> {
            throw new Error("error on purpose");
        });
        ch.onReceive(got::add);
        ch.send("a");
        ch.send("error");
        ch.send("b");
        Await.until(() -> got.size() == 3, WAIT, () -> "got " + got);
        assertEquals(List.of("a", "error", "b"), got);
    }

    @Test
    void cancelledSubscriptionReceivesNothingMore() {
        Channel<String> ch = comm.channel("cancel", String.class);
        List<String> cancelled = synchronizedList();
        List<String> kept = synchronizedList();
        Subscription sub = ch.onReceive(cancelled::add);
        ch.onReceive(kept::add);
        ch.send("one");
        Await.until(() -> kept.size() == 1, WAIT, () -> "kept " + kept);
        sub.cancel();
        ch.send("two");
        Await.until(() -> kept.size() == 2, WAIT, () -> "kept " + kept);
        assertEquals(List.of("one"), cancelled);
    }

    // ---- receiveAsync ----

    @Test
    void receiveAsyncCompletesWhenAMessageArrives() throws Exception {
        Channel<String> ch = comm.channel("async", String.class);
        CompletableFuture<String> future = ch.receiveAsync();
        assertFalse(future.isDone());
        ch.send("later");
        assertEquals("later", future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        ch.send("now");
        CompletableFuture<String> immediate = ch.receiveAsync();
        assertTrue(immediate.isDone());
        assertEquals("now", immediate.get());
    }

    @Test
    void cancelledFutureTakesNoMessage() throws Exception {
        Channel<String> ch = comm.channel("async", String.class);
        CompletableFuture<String> cancelled = ch.receiveAsync();
        CompletableFuture<String> second = ch.receiveAsync();
        assertTrue(cancelled.cancel(true));
        ch.send("first");
        assertEquals("first", second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        CompletableFuture<String> third = ch.receiveAsync();
        third.cancel(false);
        ch.send("kept");
        assertEquals(Optional.of("kept"), ch.receive(WAIT));
        assertEquals(0, ch.size());
    }

    @Test
    void receiveAsyncFailsWhenTheChannelIsClosedAndDrained() {
        Channel<String> ch = comm.channel("async", String.class);
        CompletableFuture<String> future = ch.receiveAsync();
        ch.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertInstanceOf(ChannelClosedException.class, e.getCause());
    }

    // ---- close, iteration, timeouts, capacity ----

    @Test
    void iterationEndsAfterCloseAndDrain() throws Exception {
        Channel<String> ch = comm.channel("iter", String.class);
        List<String> got = synchronizedList();
        Runner reader = new Runner(() -> {
            for (String s : ch) {
                got.add(s);
            }
            return "done";
        });
        ch.send("a");
        ch.send("b");
        Await.until(() -> got.size() == 2, WAIT, () -> "got " + got);
        reader.awaitBlocked();
        ch.send("c");
        ch.close();
        reader.join();
        assertEquals("done", reader.result.get(), () -> "thrown: " + reader.thrown.get());
        assertEquals(List.of("a", "b", "c"), got);
        assertFalse(ch.iterator().hasNext());
    }

    @Test
    void closeLetsReceiversDrainThenFailsThem() {
        Channel<String> ch = comm.channel("close", String.class);
        ch.send("left");
        ch.close();
        assertTrue(ch.isClosed());
        assertThrows(ChannelClosedException.class, () -> ch.send("x"));
        assertThrows(ChannelClosedException.class, () -> ch.trySend("x"));
        assertThrows(ChannelClosedException.class, () -> ch.send("x", Duration.ofSeconds(1)));
        assertEquals("left", ch.receive());
        assertThrows(ChannelClosedException.class, ch::receive);
        assertEquals(Optional.empty(), ch.receive(Duration.ofSeconds(30)), "closed and drained: no waiting");
        assertEquals(Optional.empty(), ch.tryReceive());
        ch.close();
        assertTrue(comm.channel("close", String.class).isClosed(), "reopening returns it still closed");
    }

    @Test
    void closeWakesBlockedSendersAndReceivers() throws Exception {
        Channel<byte[]> full = comm.channel("full", byte[].class, SMALL);
        while (full.trySend(new byte[100])) {
            assertTrue(full.size() < 1000);
        }
        Runner sender = new Runner(() -> {
            full.send(new byte[1]);
            return "sent";
        }).awaitBlocked();
        Channel<String> empty = comm.channel("empty", String.class);
        Runner receiver = new Runner(empty::receive).awaitBlocked();
        full.close();
        empty.close();
        assertInstanceOf(ChannelClosedException.class, sender.join().thrown.get());
        assertInstanceOf(ChannelClosedException.class, receiver.join().thrown.get());
    }

    @Test
    void timedReceiveAndSendHonourTheirTimeouts() throws Exception {
        Channel<byte[]> ch = comm.channel("timed", byte[].class, SMALL);
        Duration timeout = Duration.ofMillis(150);
        long start = System.nanoTime();
        assertEquals(Optional.empty(), ch.receive(timeout));
        assertTrue(System.nanoTime() - start >= timeout.toNanos(), "receive waited the timeout");
        int sent = 0;
        while (ch.trySend(new byte[] {(byte) sent})) {
            sent++;
        }
        start = System.nanoTime();
        assertFalse(ch.send(new byte[] {1}, timeout));
        assertTrue(System.nanoTime() - start >= timeout.toNanos(), "send waited the timeout");
        assertFalse(ch.send(new byte[] {1}, Duration.ZERO));
        assertFalse(ch.send(new byte[] {1}, Duration.ofSeconds(-1)));
        assertEquals(sent, ch.size());
        Runner sender = new Runner(() -> ch.send(new byte[] {42}, Duration.ofSeconds(30))).awaitBlocked();
        assertArrayEquals(new byte[] {0}, ch.receive(WAIT).orElseThrow());
        assertEquals(Boolean.TRUE, sender.join().result.get(), () -> "thrown " + sender.thrown.get());
        for (int i = 1; i < sent; i++) {
            assertArrayEquals(new byte[] {(byte) i}, ch.receive(WAIT).orElseThrow());
        }
        assertArrayEquals(new byte[] {42}, ch.receive(WAIT).orElseThrow());
    }

    @Test
    void trySendReturnsFalseWhenFull() {
        Channel<byte[]> ch = comm.channel("try", byte[].class, SMALL);
        byte[] payload = new byte[64 - MailboxLayout.RECORD_HEADER_LENGTH];
        int fits = SMALL.capacity() / 64;
        for (int i = 0; i < fits; i++) {
            assertTrue(ch.trySend(payload), "message " + i);
        }
        assertFalse(ch.trySend(payload));
        assertFalse(ch.trySend(new byte[0]));
        assertEquals(fits, ch.size());
        ch.tryReceive().orElseThrow();
        assertTrue(ch.trySend(payload));
        assertFalse(ch.trySend(payload));
    }

    @Test
    void tooLargeMessageFailsBeforeAnythingIsWritten() throws IOException {
        Channel<byte[]> raw = comm.channel("large", byte[].class, SMALL);
        raw.send(new byte[SMALL.maxMessageSize()]);
        long tail = tailOf("large");
        byte[] tooLarge = new byte[SMALL.maxMessageSize() + 1];
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> raw.send(tooLarge));
        assertEquals(SMALL.maxMessageSize() + 1, e.length());
        assertEquals(SMALL.maxMessageSize(), e.maximum());
        assertTrue(e.getMessage().contains("large"), e.getMessage());
        assertThrows(MessageTooLargeException.class, () -> raw.trySend(tooLarge));
        assertThrows(MessageTooLargeException.class, () -> raw.send(tooLarge, WAIT));
        assertEquals(1, raw.size());
        assertEquals(tail, tailOf("large"));
        Channel<String> json = comm.channel("large-json", String.class, SMALL);
        // 99 characters encode to 101 JSON bytes with the quotes
        assertThrows(MessageTooLargeException.class, () -> json.send("x".repeat(SMALL.maxMessageSize() - 1)));
        assertEquals(0, json.size());
        json.send("x".repeat(SMALL.maxMessageSize() - 2));
        assertEquals(1, json.size());
    }

    @Test
    void nullMessageIsRefused() {
        Channel<String> ch = comm.channel("nulls", String.class);
        assertThrows(NullPointerException.class, () -> ch.send(null));
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertThrows(NullPointerException.class, () -> ch.send(null, WAIT));
        assertEquals(0, ch.size());
    }

    // ---- types ----

    @Test
    void incompatibleTypesFailAtOpenNamingBoth() {
        comm.channel("typed", String.class);
        ChannelTypeException e = assertThrows(ChannelTypeException.class, () -> comm.channel("typed", Integer.class));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Integer"), e.getMessage());
        assertEquals("json:java.lang.Integer", e.requested());
        assertEquals("json:java.lang.String", e.recorded());
        try (Comm other = Comm.open(comm.directory())) {
            assertThrows(ChannelTypeException.class, () -> other.channel("typed", Integer.class));
            assertThrows(ChannelTypeException.class, () -> other.channel("typed", byte[].class));
            other.channel("typed", String.class).send("ok");
        }
        comm.channel("lists", new TypeReference<List<String>>() { });
        assertThrows(ChannelTypeException.class, () -> comm.channel("lists", new TypeReference<List<Integer>>() { }));
    }

    @Test
    void untypedChannelOpensWithAnyJsonType() {
        Channel<Object> untyped = comm.channel("any");
        Channel<String> strings = comm.channel("any", String.class);
        strings.send("text");
        assertEquals("text", untyped.receive());
        untyped.send(Map.of("k", 1));
        try (Comm other = Comm.open(comm.directory())) {
            Channel<Map<String, Integer>> maps = other.channel("any", new TypeReference<Map<String, Integer>>() { });
            assertEquals(Map.of("k", 1), maps.receive());
        }
        assertThrows(ChannelTypeException.class, () -> comm.channel("any", byte[].class));
    }

    @Test
    void bytesAndJsonAreIncompatibleBothWays() {
        comm.channel("raw", byte[].class);
        ChannelTypeException e = assertThrows(ChannelTypeException.class, () -> comm.channel("raw", String.class));
        assertTrue(e.getMessage().contains("bytes") && e.getMessage().contains("json:java.lang.String"), e.getMessage());
        assertThrows(ChannelTypeException.class, () -> comm.channel("raw"));
        comm.channel("json", String.class);
        assertThrows(ChannelTypeException.class, () -> comm.channel("json", byte[].class));
    }

    @Test
    void customCodecDescriptorIsRecordedAndChecked() {
        Codec<String> reversed = new Codec<>() {
            @Override
            public String descriptor() {
                return "test-reversed";
            }

            @Override
            public byte[] encode(String value) {
                return new StringBuilder(value).reverse().toString().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] data) {
                return new StringBuilder(new String(data, StandardCharsets.UTF_8)).reverse().toString();
            }
        };
        Channel<String> ch = comm.channel("custom", reversed);
        ch.send("abc");
        assertThrows(ChannelTypeException.class, () -> comm.channel("custom", String.class));
        assertThrows(ChannelTypeException.class, () -> comm.channel("custom", byte[].class));
        try (Comm other = Comm.open(comm.directory())) {
            assertArrayEquals("cba".getBytes(StandardCharsets.UTF_8), (byte[]) other.getChannel("custom").receive());
        }
    }

    // ---- the domain ----

    @Test
    void getChannelOfAMissingNameFails() {
        NoSuchChannelException e = assertThrows(NoSuchChannelException.class, () -> comm.getChannel("missing"));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(Files.exists(comm.directory().resolve("missing.chan")), "getChannel must not create");
    }

    @Test
    void getChannelsListsEveryChannelWithItsRecordedType() {
        assertEquals(Map.of(), comm.getChannels());
        comm.channel("b-json", String.class).send("hello");
        comm.channel("a-raw", byte[].class).send(new byte[] {7});
        comm.channel("c-any");
        Map<String, Channel<?>> all = comm.getChannels();
        assertEquals(List.of("a-raw", "b-json", "c-any"), new ArrayList<>(all.keySet()));
        assertArrayEquals(new byte[] {7}, (byte[]) all.get("a-raw").receive());
        assertEquals("hello", all.get("b-json").receive());
        assertEquals("b-json", comm.getChannel("b-json").name());
    }

    @Test
    void deleteClosesForPeersAndFreesTheName() {
        Channel<String> mine = comm.channel("gone", String.class);
        try (Comm peer = Comm.open(comm.directory())) {
            Channel<String> theirs = peer.channel("gone", String.class);
            theirs.send("before");
            assertTrue(comm.delete("gone"));
            assertTrue(theirs.isClosed());
            assertTrue(mine.isClosed());
            assertThrows(ChannelClosedException.class, () -> theirs.send("after"));
            assertFalse(Files.exists(comm.directory().resolve("gone.chan")));
            assertThrows(NoSuchChannelException.class, () -> peer.getChannel("gone"));
            Channel<Integer> reused = comm.channel("gone", Integer.class);
            assertFalse(reused.isClosed());
            assertEquals(0, reused.size());
            Channel<Integer> peerReused = peer.channel("gone", Integer.class);
            assertNotSame(theirs, peerReused);
            peerReused.send(5);
            assertEquals(Integer.valueOf(5), reused.receive(WAIT).orElseThrow());
            assertThrows(ChannelTypeException.class, () -> peer.channel("gone", String.class));
        }
        assertFalse(comm.delete("never-existed"));
    }

    @Test
    void invalidNamesAreRefused() {
        List<String> invalid = List.of("", ".", "..", "a/b", "../x", "\u0000", "a\u0000b", "x".repeat(256),
                ".hidden", "-dash", "sp ace", "a\\b", "é");
        for (String name : invalid) {
            assertThrows(IllegalArgumentException.class, () -> comm.channel(name, String.class), name);
            assertThrows(IllegalArgumentException.class, () -> comm.getChannel(name), name);
            assertThrows(IllegalArgumentException.class, () -> comm.delete(name), name);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> comm.channel("a/b"));
        assertTrue(e.getMessage().contains("a/b"), e.getMessage());
        assertThrows(NullPointerException.class, () -> comm.channel(null, String.class));
        comm.channel("x".repeat(Names.MAX_LENGTH), String.class);
        comm.channel("ok_name-1.2", String.class);
        assertEquals(List.of("ok_name-1.2", "x".repeat(Names.MAX_LENGTH)), new ArrayList<>(comm.getChannels().keySet()));
    }

    @Test
    void interruptedReceiveThrowsAndKeepsTheInterruptFlag() throws Exception {
        Channel<String> ch = comm.channel("interrupt", String.class);
        Runner receiver = new Runner(ch::receive).awaitBlocked();
        receiver.thread.interrupt();
        receiver.join();
        assertInstanceOf(CommInterruptedException.class, receiver.thrown.get());
        assertTrue(receiver.interruptedAfter, "interrupt flag set again");
        ch.send("not lost");
        assertEquals(Optional.of("not lost"), ch.tryReceive());

        Channel<byte[]> full = comm.channel("interrupt-send", byte[].class, SMALL);
        while (full.trySend(new byte[10])) {
            assertTrue(full.size() < 1000);
        }
        int size = full.size();
        Runner sender = new Runner(() -> {
            full.send(new byte[10]);
            return null;
        }).awaitBlocked();
        sender.thread.interrupt();
        assertInstanceOf(CommInterruptedException.class, sender.join().thrown.get());
        assertTrue(sender.interruptedAfter);
        assertEquals(size, full.size());
    }

    @Test
    void closedCommRefusesCalls() throws Exception {
        Channel<String> ch = comm.channel("c", String.class);
        Runner blocked = new Runner(ch::receive).awaitBlocked();
        Channel<String> other = comm.channel("d", String.class);
        CompletableFuture<String> pending = other.receiveAsync();
        comm.close();
        assertInstanceOf(IllegalStateException.class, blocked.join().thrown.get(), "blocked receive wakes");
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> pending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        List<Runnable> calls = List.of(() -> comm.channel("c", String.class), () -> comm.getChannel("c"),
                comm::getChannels, () -> comm.delete("c"), () -> ch.send("x"), () -> ch.trySend("x"), ch::receive,
                ch::tryReceive, ch::receiveAsync, ch::close);
        for (Runnable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().contains(comm.directory().toString()), e.getMessage());
        }
        comm.close();
        try (Comm again = Comm.open(comm.directory())) {
            assertFalse(again.channel("c", String.class).isClosed(), "closing a Comm does not close channels");
        }
    }

    @Test
    void openingChannelsOnAnInterruptedThreadIsNotAnIoError() {
        comm.channel("existing", String.class);
        try (Comm other = Comm.open(comm.directory())) {
            for (String name : List.of("existing", "fresh")) {
                Thread.currentThread().interrupt();
                try {
                    other.channel(name, String.class);
                } catch (CommInterruptedException acceptable) {
                    // an interruptible wait for the domain lock may end like this
                } finally {
                    assertTrue(Thread.interrupted(), "interrupt flag kept while opening " + name);
                }
            }
            other.channel("fresh", String.class).send("works");
        }
    }

    @Test
    void jsonNullIsNeverSilentlyLost() {
        Channel<Object> untyped = comm.channel("nulls");
        boolean accepted;
        try {
            untyped.send(NullNode.getInstance());
            accepted = true;
        } catch (RuntimeException refused) {
            accepted = false;
        }
        if (!accepted) {
            assertEquals(0, untyped.size(), "a refused message is not written");
            return;
        }
        untyped.send("after");
        Optional<Object> first = untyped.tryReceive();
        assertTrue(first.isPresent() || untyped.size() == 2, "a message was consumed but reported as none");
    }

    // ---- Select ----

    @Test
    void selectIsFairAndTakesOneMessagePerCall() {
        Channel<String> a = comm.channel("sa", String.class);
        Channel<String> b = comm.channel("sb", String.class);
        Channel<String> c = comm.channel("sc", String.class);
        for (int i = 0; i < 5; i++) {
            a.send("a" + i);
            c.send("c" + i);
        }
        Select<String> select = Select.of(a, b, c);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Selected<String> s = select.receive();
            assertTrue(s.value().startsWith(s.channel().name().substring(1)), s.toString());
            order.add(s.value());
        }
        assertEquals(List.of("a0", "c0", "a1", "c1", "a2", "c2"), order);
        assertEquals(2, a.size());
        assertEquals(2, c.size());
    }

    @Test
    void selectTryAndTimedReceive() {
        Channel<String> a = comm.channel("ta", String.class);
        Channel<Integer> b = comm.channel("tb", Integer.class);
        Select<Object> select = Select.of(a, b);
        assertEquals(Optional.empty(), select.tryReceive());
        Duration timeout = Duration.ofMillis(100);
        long start = System.nanoTime();
        assertEquals(Optional.empty(), select.receive(timeout));
        assertTrue(System.nanoTime() - start >= timeout.toNanos());
        b.send(3);
        Selected<Object> got = select.receive(WAIT).orElseThrow();
        assertEquals(3, got.value());
        assertEquals("tb", got.channel().name());
        a.send("x");
        assertEquals("x", select.tryReceive().orElseThrow().value());
        assertThrows(IllegalArgumentException.class, Select::of);
    }

    @Test
    void selectSkipsDrainedChannelsAndFailsWhenAllAre() {
        Channel<String> a = comm.channel("da", String.class);
        Channel<String> b = comm.channel("db", String.class);
        Select<String> select = Select.of(a, b);
        a.close();
        b.send("last");
        b.close();
        assertEquals("last", select.receive().value());
        assertThrows(ChannelClosedException.class, select::receive);
        assertEquals(Optional.empty(), select.receive(Duration.ofSeconds(30)), "no waiting once all are drained");
        assertEquals(Optional.empty(), select.tryReceive());
    }

    @Test
    void selectWakesWhenAMessageArrivesAndOnInterrupt() throws Exception {
        Channel<String> a = comm.channel("wa", String.class);
        Channel<String> b = comm.channel("wb", String.class);
        Select<String> select = Select.of(a, b);
        Runner waiting = new Runner(select::receive).awaitBlocked();
        b.send("wake");
        Selected<?> s = (Selected<?>) waiting.join().result.get();
        assertEquals("wake", s.value());
        Runner interrupted = new Runner(select::receive).awaitBlocked();
        interrupted.thread.interrupt();
        assertInstanceOf(CommInterruptedException.class, interrupted.join().thrown.get());
        assertTrue(interrupted.interruptedAfter);
    }

    // ---- default directory ----

    @Test
    void defaultDirectoryRule() throws IOException {
        Path shm = Files.createDirectory(dir.resolve("shm"));
        Path tmp = dir.resolve("tmp");
        Path missing = dir.resolve("no-shm");
        Path notADirectory = Files.createFile(dir.resolve("shm-file"));
        assertEquals(Path.of("/p/domain"), Comm.defaultDirectory(Map.of(Comm.ENV_DOMAIN, "/p/domain",
                Comm.ENV_DIR, "/e/dir"), shm, tmp, "alice"));
        assertEquals(Path.of("/e/dir"), Comm.defaultDirectory(Map.of(Comm.ENV_DOMAIN, "", Comm.ENV_DIR, "/e/dir"),
                shm, tmp, "alice"));
        assertEquals(shm.resolve("litecomm-alice"), Comm.defaultDirectory(Map.of(Comm.ENV_DIR, ""), shm, tmp, "alice"));
        assertEquals(shm.resolve("litecomm-bob"), Comm.defaultDirectory(Map.of(), shm, tmp, "bob"));
        assertEquals(tmp.resolve("litecomm-alice"), Comm.defaultDirectory(Map.of(), missing, tmp, "alice"));
        assertEquals(tmp.resolve("litecomm-alice"), Comm.defaultDirectory(Map.of(), notADirectory, tmp, "alice"));
        assertFalse(Files.exists(shm.resolve("litecomm-alice")), "a pure function creates nothing");
    }
}
