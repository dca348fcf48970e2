package io.litecomm.contract;

import static io.litecomm.contract.ContractSupport.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelClosedException;
import io.litecomm.ChannelOptions;
import io.litecomm.ChannelTypeException;
import io.litecomm.Comm;
import io.litecomm.MessageDecodeException;
import io.litecomm.MessageTooLargeException;
import io.litecomm.NoSuchChannelException;
import io.litecomm.Select;
import io.litecomm.Selected;
import io.litecomm.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel semantics through the public API, whatever the transport: send and receive in their
 * blocking, timed and try forms, the capacity bound, Go's close and drain, types, the two receive
 * modes, asynchronous receive, iteration, Select, delete, listing, size limits and dead letters. Two
 * {@code Comm}s on one domain stand for two processes.
 */
@Timeout(60)
abstract class ChannelContract extends ApiContractBase {

    /** 4 KiB, messages up to 100 bytes: 32 raw messages of 100 bytes fit. */
    static final ChannelOptions SMALL = ChannelOptions.builder().capacity(4096).maxMessageSize(100).build();
    private static final Duration SHORT = Duration.ofMillis(20);

    @Test
    void sendInOneProcessReceiveInAnother() {
        Channel<String> out = open().channel("greetings", String.class);
        Channel<String> in = open().channel("greetings", String.class);
        out.send("hello");
        assertTrue(out.trySend("again"));
        assertTrue(out.send("third", WAIT));
        assertEquals("hello", in.receive());
        assertEquals(Optional.of("again"), in.receive(WAIT));
        assertEquals(Optional.of("third"), in.tryReceive());
        assertEquals(Optional.empty(), in.tryReceive());
        assertEquals(Optional.empty(), in.receive(SHORT));
        assertEquals("greetings", in.name());
    }

    @Test
    void aFullChannelBoundsSends() {
        Channel<byte[]> out = open().channel("bounded", byte[].class, SMALL);
        Channel<byte[]> in = open().channel("bounded", byte[].class, SMALL);
        int sent = 0;
        while (out.trySend(new byte[100])) {
            sent++;
            assertTrue(sent <= 32, "more than the capacity was accepted");
        }
        assertEquals(32, sent, "a 100-byte message takes align16(16 + 100) = 128 of 4096 bytes");
        assertEquals(32, in.size());
        assertFalse(out.send(new byte[100], SHORT), "a timed send on a full channel times out");
        assertEquals(100, in.receive().length);
        assertTrue(out.send(new byte[100], WAIT));
    }

    @Test
    void aBlockedSendProceedsWhenAReceiverMakesRoom() throws Exception {
        Channel<byte[]> out = open().channel("backpressure", byte[].class, SMALL);
        Channel<byte[]> in = open().channel("backpressure", byte[].class, SMALL);
        while (out.trySend(new byte[100])) {
            assertTrue(out.size() <= 32);
        }
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            workers.start("sender", () -> out.send(new byte[] {42}));
            assertEquals(100, in.receive().length);
            workers.joinAll();
        }
        assertEquals(32, in.size());
    }

    @Test
    void closeIsGosClose() {
        Comm sender = open();
        Channel<String> out = sender.channel("closing", String.class);
        Channel<String> in = open().channel("closing", String.class);
        out.send("a");
        out.send("b");
        in.close();
        assertTrue(out.isClosed());
        assertThrows(ChannelClosedException.class, () -> out.send("c"));
        assertThrows(ChannelClosedException.class, () -> out.trySend("c"));
        assertThrows(ChannelClosedException.class, () -> out.send("c", SHORT));
        assertEquals("a", in.receive());
        assertEquals(Optional.of("b"), in.receive(WAIT));
        ChannelClosedException drained = assertThrows(ChannelClosedException.class, in::receive);
        assertTrue(drained.getMessage().contains("closing"), drained.getMessage());
        assertEquals(Optional.empty(), in.receive(SHORT));
        assertEquals(Optional.empty(), in.tryReceive());
        assertTrue(sender.channel("closing", String.class).isClosed(), "reopening a closed channel finds it closed");
    }

    @Test
    void aSendBlockedOnAFullChannelEndsWhenAnotherProcessClosesIt() throws Exception {
        Channel<byte[]> out = open().channel("blocked", byte[].class, SMALL);
        Channel<byte[]> other = open().channel("blocked", byte[].class, SMALL);
        while (out.trySend(new byte[100])) {
            assertTrue(out.size() <= 32);
        }
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("blocked", () -> {
                started.countDown();
                try {
                    out.send(new byte[100]);
                    outcome.complete(null);
                } catch (RuntimeException e) {
                    outcome.complete(e);
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            other.close();
            assertInstanceOf(ChannelClosedException.class, outcome.get(10, TimeUnit.SECONDS));
            workers.joinAll();
        }
    }

    @Test
    void aBlockedReceiveWakesOnASendFromAnotherProcess() throws Exception {
        Channel<String> in = open().channel("wake", String.class);
        Channel<String> out = open().channel("wake", String.class);
        CompletableFuture<String> got = new CompletableFuture<>();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("receiver", () -> {
                started.countDown();
                got.complete(in.receive());
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            out.send("ping");
            assertEquals("ping", got.get(10, TimeUnit.SECONDS));
            workers.joinAll();
        }
    }

    @Test
    void anIncompatibleTypeIsRefusedAtOpen() {
        open().channel("typed", String.class);
        ChannelTypeException e = assertThrows(ChannelTypeException.class, () -> open().channel("typed", Integer.class));
        assertTrue(e.getMessage().contains("String") && e.getMessage().contains("Integer"), e.getMessage());
        open().channel("untyped").send(Map.of("k", 1));
        assertEquals(Map.of("k", 1), open().channel("untyped", Map.class).receive(), "an untyped channel opens as any type");
    }

    @Test
    void oneReceiveModePerChannelPerProcess() {
        Comm comm = open();
        Channel<String> channel = comm.channel("modes", String.class);
        Subscription subscription = channel.onReceive(value -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, channel::tryReceive);
        assertTrue(e.getMessage().contains("passive mode"), e.getMessage());
        subscription.cancel();
        Channel<String> active = open().channel("modes", String.class);
        active.tryReceive();
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> active.onReceive(v -> { }));
        assertTrue(other.getMessage().contains("active mode"), other.getMessage());
    }

    @Test
    void passiveHandlersRunForTheMessagesTheirFilterAccepts() {
        Channel<Integer> passive = open().channel("passive", Integer.class);
        List<Integer> even = new CopyOnWriteArrayList<>();
        List<Integer> all = new CopyOnWriteArrayList<>();
        passive.onReceive(n -> n % 2 == 0, even::add);
        passive.onReceive(all::add);
        Channel<Integer> out = open().channel("passive", Integer.class);
        for (int i = 0; i < 10; i++) {
            out.send(i);
        }
        ContractSupport.await(() -> all.size() == 10, () -> "handled: " + all);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), all);
        assertEquals(List.of(0, 2, 4, 6, 8), even);
    }

    @Test
    void receiveAsyncCompletesWithALaterMessageOrTheClose() throws Exception {
        Channel<String> in = open().channel("async", String.class);
        CompletableFuture<String> future = in.receiveAsync();
        assertFalse(future.isDone());
        Channel<String> out = open().channel("async", String.class);
        out.send("later");
        assertEquals("later", future.get(10, TimeUnit.SECONDS));
        CompletableFuture<String> pending = in.receiveAsync();
        out.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ChannelClosedException.class, e.getCause());
    }

    @Test
    void iterationReceivesUntilClosedAndDrained() {
        Channel<String> out = open().channel("iterate", String.class);
        for (String s : List.of("x", "y", "z")) {
            out.send(s);
        }
        out.close();
        List<String> got = new ArrayList<>();
        for (String s : open().channel("iterate", String.class)) {
            got.add(s);
        }
        assertEquals(List.of("x", "y", "z"), got);
    }

    @Test
    void selectIsFairAndSkipsClosedChannels() {
        Comm comm = open();
        Channel<String> a = comm.channel("sel-a", String.class);
        Channel<String> b = comm.channel("sel-b", String.class);
        Channel<String> senderA = open().channel("sel-a", String.class);
        Channel<String> senderB = open().channel("sel-b", String.class);
        for (int i = 0; i < 50; i++) {
            senderA.send("a" + i);
            senderB.send("b" + i);
        }
        Select<String> select = Select.of(a, b);
        int fromA = 0;
        for (int i = 0; i < 40; i++) {
            Selected<String> next = select.tryReceive().orElseThrow();
            assertEquals(next.channel().name().substring(4), next.value().substring(0, 1));
            fromA += next.channel() == a ? 1 : 0;
        }
        assertTrue(fromA >= 10 && fromA <= 30, "both channels are served: fromA=" + fromA + " of 40");
        senderA.close();
        while (a.tryReceive().isPresent()) {
            assertTrue(a.size() < 50);
        }
        Selected<String> fromOpen = select.receive(WAIT).orElseThrow();
        assertEquals("sel-b", fromOpen.channel().name(), "a closed, drained channel is skipped");
        senderB.close();
        while (b.tryReceive().isPresent()) {
            assertTrue(b.size() < 50);
        }
        assertThrows(ChannelClosedException.class, select::receive);
        assertEquals(Optional.empty(), select.tryReceive());
        assertEquals(Optional.empty(), select.receive(SHORT));
    }

    @Test
    void selectWakesWhenAnotherProcessSends() throws Exception {
        Comm comm = open();
        Select<String> select = Select.of(comm.channel("w-a", String.class), comm.channel("w-b", String.class));
        Channel<String> sender = open().channel("w-b", String.class);
        CompletableFuture<String> got = new CompletableFuture<>();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("select", () -> {
                started.countDown();
                got.complete(select.receive().value());
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            sender.send("go");
            assertEquals("go", got.get(10, TimeUnit.SECONDS));
            workers.joinAll();
        }
    }

    @Test
    void deleteClosesForPeersAndFreesTheName() {
        Comm deleter = open();
        Comm peer = open();
        Channel<String> held = peer.channel("doomed", String.class);
        held.send("left behind");
        assertTrue(deleter.delete("doomed"));
        assertTrue(held.isClosed(), "a peer holding the channel sees it closed");
        assertThrows(ChannelClosedException.class, () -> held.send("more"));
        assertThrows(NoSuchChannelException.class, () -> deleter.getChannel("doomed"));
        assertFalse(deleter.delete("doomed"));
        Channel<Integer> again = deleter.channel("doomed", Integer.class);
        assertFalse(again.isClosed());
        assertEquals(0, again.size());
        again.send(1);
        assertEquals(1, peer.channel("doomed", Integer.class).receive());
    }

    @Test
    void getChannelsListsEveryChannelOfTheDomain() {
        Comm creator = open();
        creator.channel("zeta", String.class);
        creator.channel("alpha", byte[].class);
        creator.channel("mid");
        Map<String, Channel<?>> channels = open().getChannels();
        assertEquals(List.of("alpha", "mid", "zeta"), new ArrayList<>(channels.keySet()));
        @SuppressWarnings("unchecked")
        Channel<Object> raw = (Channel<Object>) channels.get("alpha");
        raw.send(new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, creator.channel("alpha", byte[].class).receive());
        assertEquals("zeta", open().getChannel("zeta").name());
    }

    @Test
    void aMessageOverTheMaximumIsRefusedBeforeAnythingIsWritten() {
        Channel<byte[]> channel = open().channel("large", byte[].class, SMALL);
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> channel.send(new byte[101]));
        assertTrue(e.getMessage().contains("101"), e.getMessage());
        assertThrows(MessageTooLargeException.class, () -> channel.trySend(new byte[101]));
        assertEquals(0, channel.size());
        assertTrue(channel.trySend(new byte[100]));
    }

    @Test
    void anUndecodableMessageGoesToTheDeadLetterChannel() {
        Channel<String> strings = open().channel("poison", String.class);
        open().channel("poison").send(7);
        MessageDecodeException e = assertThrows(MessageDecodeException.class, strings::receive);
        assertEquals(Optional.of("poison.dead"), e.deadLetterChannel());
        assertArrayEquals("7".getBytes(StandardCharsets.UTF_8), open().channel("poison.dead", byte[].class).receive());
        open().channel("poison", String.class).send("fine");
        assertEquals("fine", strings.receive(), "the channel goes on after a poison message");
    }
}
