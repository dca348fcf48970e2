package io.litecomm.crossprocess;

import com.fasterxml.jackson.core.type.TypeReference;
import io.litecomm.Channel;
import io.litecomm.ChannelClosedException;
import io.litecomm.ChannelTypeException;
import io.litecomm.Comm;
import io.litecomm.Select;
import io.litecomm.testing.ChildJvm;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM roles for {@link CrossProcessChannelTest}: {@code args[0]} is the role, {@code args[1]}
 * the domain directory, the rest the role's arguments. Status lines go to standard output, bulk
 * results to files. A child halts when its standard input reaches end of file, so a dead test JVM
 * leaves no child behind.
 */
public final class XprocChild {

    /** The stop pill of the consumer role: one byte, where data messages have eight. */
    static final byte[] STOP = {0};

    private static final Duration WAIT = Duration.ofSeconds(30);

    private XprocChild() {
    }

    public static void main(String[] args) {
        ChildJvm.haltWhenParentGone();
        int code = 0;
        try (Comm comm = Comm.open(Path.of(args[1]))) {
            String[] rest = Arrays.copyOfRange(args, 2, args.length);
            switch (args[0]) {
                case "producer" -> produce(comm, rest);
                case "consumer" -> consume(comm, rest);
                case "taker" -> take(comm, rest);
                case "blocked-sender" -> blockedSend(comm, rest);
                case "closer" -> closeChannel(comm, rest);
                case "receiver" -> receiveUntilClosed(comm, rest);
                case "passive" -> passive(comm, rest);
                case "creator" -> createTyped(comm, rest);
                default -> throw new IllegalArgumentException("unknown role: " + args[0]);
            }
            System.out.println("ROLE-DONE " + args[0]);
        } catch (Throwable t) {
            System.out.println("ROLE-FAILED " + t);
            t.printStackTrace(System.out);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    /** A data message: producer id and sequence number, eight bytes. */
    static byte[] message(int producer, int seq) {
        return ByteBuffer.allocate(8).putInt(producer).putInt(seq).array();
    }

    static int producerOf(byte[] message) {
        if (message.length != 8) {
            throw new AssertionError("not a data message: length=" + message.length);
        }
        return ByteBuffer.wrap(message).getInt(0);
    }

    static int seqOf(byte[] message) {
        if (message.length != 8) {
            throw new AssertionError("not a data message: length=" + message.length);
        }
        return ByteBuffer.wrap(message).getInt(4);
    }

    /** Whether {@code thread} is parked (waiting) inside a litecomm {@code send}. */
    static boolean parkedInSend(Thread thread) {
        return parkedIn(thread, "send");
    }

    /** Whether {@code thread} is parked (waiting) inside a litecomm method called {@code method}. */
    static boolean parkedIn(Thread thread, String method) {
        Thread.State state = thread.getState();
        if (state != Thread.State.TIMED_WAITING && state != Thread.State.WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith("io.litecomm.")
                    && !frame.getClassName().startsWith("io.litecomm.crossprocess.")
                    && frame.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** Args: channel, producer id, count. Sends count messages with blocking send. */
    private static void produce(Comm comm, String[] a) {
        Channel<byte[]> channel = comm.channel(a[0], byte[].class);
        int id = Integer.parseInt(a[1]);
        int count = Integer.parseInt(a[2]);
        for (int seq = 0; seq < count; seq++) {
            channel.send(message(id, seq));
        }
        System.out.println("PRODUCED " + id + " " + count);
    }

    /** Args: channel, result file. Receives until a stop pill; writes (producer, seq) pairs in order. */
    private static void consume(Comm comm, String[] a) throws IOException {
        Channel<byte[]> channel = comm.channel(a[0], byte[].class);
        Path result = Path.of(a[1]);
        Path partial = Path.of(a[1] + ".partial");
        int count = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
            System.out.println("READY");
            while (true) {
                byte[] message = channel.receive();
                if (message.length == STOP.length) {
                    break;
                }
                out.writeInt(producerOf(message));
                out.writeInt(seqOf(message));
                count++;
            }
        }
        Files.move(partial, result, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("CONSUMED " + count);
    }

    /** Args: channel, count. Receives count messages and prints their sequence numbers. */
    private static void take(Comm comm, String[] a) {
        Channel<byte[]> channel = comm.channel(a[0], byte[].class);
        int count = Integer.parseInt(a[1]);
        StringBuilder took = new StringBuilder("TOOK");
        for (int i = 0; i < count; i++) {
            took.append(' ').append(seqOf(channel.receive()));
        }
        System.out.println(took);
    }

    /**
     * Args: channel. Expects a full channel: prints the result of a {@code trySend}, then blocks in
     * {@code send} (a monitor thread prints BLOCKED-IN-SEND once it is parked there) and prints how
     * that send ended, then how a further {@code trySend} ends.
     */
    private static void blockedSend(Comm comm, String[] a) {
        Channel<byte[]> channel = comm.channel(a[0], byte[].class);
        byte[] marker = message(9, -1);
        System.out.println("TRYSEND " + channel.trySend(marker));
        Thread main = Thread.currentThread();
        Thread monitor = new Thread(() -> {
            ChildJvm.Await.until(() -> parkedInSend(main), WAIT, () -> "never parked in send");
            System.out.println("BLOCKED-IN-SEND");
        }, "send-monitor");
        monitor.setDaemon(true);
        monitor.start();
        try {
            channel.send(marker);
            System.out.println("SEND-RETURNED");
        } catch (ChannelClosedException e) {
            System.out.println("SEND-FAILED " + e.getClass().getName());
        }
        try {
            System.out.println("TRYSEND-AFTER " + channel.trySend(message(9, -2)));
        } catch (ChannelClosedException e) {
            System.out.println("TRYSEND-AFTER-FAILED " + e.getClass().getName());
        }
    }

    /** Args: channels. Closes each. */
    private static void closeChannel(Comm comm, String[] a) {
        for (String name : a) {
            Channel<byte[]> channel = comm.channel(name, byte[].class);
            channel.close();
            System.out.println("CLOSED " + name + " " + channel.isClosed());
        }
    }

    /**
     * Args: channel, result file, style ({@code receive} or {@code iterate}). Receives until the
     * channel is closed and drained, reports how the end showed, writes "producer seq" lines.
     */
    private static void receiveUntilClosed(Comm comm, String[] a) throws IOException {
        Channel<byte[]> channel = comm.channel(a[0], byte[].class);
        List<String> got = new ArrayList<>();
        boolean iterate = "iterate".equals(a[2]);
        Thread main = Thread.currentThread();
        Thread monitor = new Thread(() -> {
            while (main.isAlive() && !parkedIn(main, iterate ? "hasNext" : "receive")) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            System.out.println("PARKED-IN-RECEIVE");
        }, "receive-monitor");
        monitor.setDaemon(true);
        monitor.start();
        System.out.println("READY");
        if (iterate) {
            for (byte[] message : channel) {
                got.add(producerOf(message) + " " + seqOf(message));
            }
            System.out.println("ITERATION-ENDED");
            System.out.println("HASNEXT-AFTER-END " + channel.iterator().hasNext());
        } else {
            try {
                while (true) {
                    byte[] message = channel.receive();
                    got.add(producerOf(message) + " " + seqOf(message));
                }
            } catch (ChannelClosedException e) {
                System.out.println("RECEIVE-THREW " + e.getClass().getName());
            }
            System.out.println("TRY-RECEIVE-PRESENT " + channel.tryReceive().isPresent());
            System.out.println("TIMED-RECEIVE-PRESENT " + channel.receive(Duration.ofMillis(100)).isPresent());
        }
        Files.write(Path.of(a[1]), got);
        System.out.println("RECEIVED " + got.size());
    }

    /**
     * Args: passive channel, active channel, result file. Registers three filtered handlers on the
     * passive channel, checks that active calls on it and {@code onReceive} on the (active) other
     * channel are refused, then records every handler call until the message END.
     */
    private static void passive(Comm comm, String[] a) throws Exception {
        Channel<String> events = comm.channel(a[0], String.class);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch end = new CountDownLatch(1);
        events.onReceive(s -> s.startsWith("a"), s -> calls.add("h1 " + s));
        events.onReceive(s -> {
            calls.add("h2 " + s);
            if (s.equals("END")) {
                end.countDown();
            }
        });
        events.onReceive(s -> s.endsWith("!"), s -> calls.add("h3 " + s));
        mix("passive-receive", events::receive);
        mix("passive-timed-receive", () -> events.receive(Duration.ofMillis(10)));
        mix("passive-try-receive", events::tryReceive);
        mix("passive-receive-async", events::receiveAsync);
        mix("passive-iterator", () -> events.iterator().hasNext());
        mix("passive-select", () -> Select.of(events));
        Channel<String> active = comm.channel(a[1], String.class);
        System.out.println("ACTIVE-TRY-RECEIVE " + active.tryReceive().isPresent());
        mix("active-on-receive", () -> active.onReceive(s -> { }));
        mix("active-on-receive-filtered", () -> active.onReceive(s -> true, s -> { }));
        System.out.println("READY");
        if (!end.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("END never arrived; calls so far: " + calls.size());
        }
        synchronized (calls) {
            Files.write(Path.of(a[2]), calls);
        }
        System.out.println("PASSIVE-DONE " + calls.size());
    }

    /** Runs a call that must be refused; prints "MIX name class: message" or "MIX name NONE". */
    private static void mix(String name, Runnable call) throws InterruptedException {
        CompletableFuture<Void> done = CompletableFuture.runAsync(call);
        try {
            done.get(5, TimeUnit.SECONDS);
            System.out.println("MIX " + name + " NONE");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            System.out.println("MIX " + name + " " + cause.getClass().getName() + ": "
                    + String.valueOf(cause.getMessage()).replace('\n', ' '));
        } catch (TimeoutException e) {
            System.out.println("MIX " + name + " BLOCKED");
        }
    }

    /**
     * Args: the name of a channel the parent created as {@code Integer}. Creates typed channels,
     * sends one message on each, then opens the parent's channel as {@code String}.
     */
    private static void createTyped(Comm comm, String[] a) {
        comm.channel("t-string", String.class).send("hello");
        comm.channel("t-list", new TypeReference<List<Integer>>() { }).send(List.of(1, 2, 3));
        comm.channel("t-bytes", byte[].class).send(new byte[] {7, 8});
        comm.channel("t-any").send(Map.of("k", 42));
        try {
            comm.channel(a[0], String.class);
            System.out.println("REVERSE-OPENED");
        } catch (ChannelTypeException e) {
            System.out.println("REVERSE-CTE " + e.getMessage());
        }
        System.out.println("CREATED");
    }
}
