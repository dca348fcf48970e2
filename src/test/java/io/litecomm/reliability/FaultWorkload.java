package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import io.litecomm.WaitStrategy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The scripted workload of the fault-injection test, and the model of what each step commits.
 * Every step has an effect on the {@link State} of the domain; a step that fails may leave the
 * state before it or after it (or, for a few, a named state in between) and nothing else.
 */
final class FaultWorkload {

    /** Options of every {@code Comm} of the test: back-off waits (doorbells need default-file-system paths). */
    static final CommOptions OPTIONS = CommOptions.builder().waitStrategy(WaitStrategy.BACKOFF).pubSubCapacity(4096)
            .channelDefaults(ChannelOptions.builder().capacity(4096).maxMessageSize(1024).build()).build();
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A channel as another process would find it: messages waiting, and whether it is closed. */
    record ChannelState(List<String> pending, boolean closed) {
    }

    /** What a domain holds: channels by name, the shared-memory map and its version. */
    record State(Map<String, ChannelState> channels, Map<String, Object> storage, long version) {
        static State empty() {
            return new State(Map.of(), Map.of(), 0);
        }

        State withChannel(String name, ChannelState channel) {
            Map<String, ChannelState> next = new TreeMap<>(channels);
            next.put(name, channel);
            return new State(next, storage, version);
        }

        State withoutChannel(String name) {
            Map<String, ChannelState> next = new TreeMap<>(channels);
            next.remove(name);
            return new State(next, storage, version);
        }

        State send(String name, String message) {
            ChannelState c = channels.get(name);
            List<String> pending = new ArrayList<>(c.pending());
            pending.add(message);
            return withChannel(name, new ChannelState(List.copyOf(pending), c.closed()));
        }

        State receive(String name) {
            ChannelState c = channels.get(name);
            return withChannel(name, new ChannelState(List.copyOf(c.pending().subList(1, c.pending().size())), c.closed()));
        }

        State close(String name) {
            return withChannel(name, new ChannelState(channels.get(name).pending(), true));
        }

        State set(String key, Object value) {
            Map<String, Object> next = new TreeMap<>(storage);
            next.put(key, value);
            return new State(channels, next, version + 1);
        }

        State delete(String key) {
            Map<String, Object> next = new TreeMap<>(storage);
            next.remove(key);
            return new State(channels, next, version + 1);
        }

        /** A one-line summary with long values shortened. */
        String brief() {
            Map<String, Object> shown = new TreeMap<>();
            storage.forEach((k, v) -> shown.put(k, v instanceof String s && s.length() > 16
                    ? s.charAt(0) + "*" + s.length() : v));
            return "channels=" + channels + " storage=" + shown + " version=" + version;
        }
    }

    /** What a step does through the library. */
    @FunctionalInterface
    interface Action {
        void run(Context context) throws Exception;
    }

    /**
     * One step: its action, its effect when it succeeds, and states in between it may leave when
     * it fails (besides the states before and after).
     *
     * @param name for messages
     * @param action the calls
     * @param effect the state after a success
     * @param between states a failed step may also leave, from the state before it
     */
    record Step(String name, Action action, UnaryOperator<State> effect, List<UnaryOperator<State>> between) {
        static Step of(String name, Action action, UnaryOperator<State> effect) {
            return new Step(name, action, effect, List.of());
        }
    }

    /** The objects the steps share. */
    static final class Context {
        final Path domain;
        Comm comm;
        Comm second;
        Channel<String> jobs;
        Channel<byte[]> raw;
        SharedMemory memory;
        final CompletableFuture<Object> delivered = new CompletableFuture<>();

        Context(Path domain) {
            this.domain = domain;
        }

        /** Closes what the steps opened; a close that throws is the caller's to report. */
        void close() {
            if (second != null) {
                second.close();
            }
            if (comm != null) {
                comm.close();
            }
        }
    }

    private FaultWorkload() {
    }

    private static String blob(char c, int length) {
        return String.valueOf(c).repeat(length);
    }

    /**
     * The compact workload: open, create two channels, send and receive, create the shared memory,
     * set, update and delete, enough large sets to compact the page twice and grow it, pub/sub,
     * close a channel, delete one, close.
     *
     * @return the steps
     */
    static List<Step> compact() {
        List<Step> steps = new ArrayList<>();
        steps.add(Step.of("open", c -> c.comm = Comm.open(c.domain, OPTIONS), s -> s));
        steps.add(Step.of("create jobs", c -> c.jobs = c.comm.channel("jobs", String.class),
                s -> s.withChannel("jobs", new ChannelState(List.of(), false))));
        for (String m : List.of("m1", "m2", "m3")) {
            steps.add(Step.of("send " + m, c -> c.jobs.send(m), s -> s.send("jobs", m)));
        }
        steps.add(Step.of("receive m1", c -> expect("m1", c.jobs.receive(WAIT).orElse(null)), s -> s.receive("jobs")));
        steps.add(Step.of("create raw", c -> c.raw = c.comm.channel("raw", byte[].class),
                s -> s.withChannel("raw", new ChannelState(List.of(), false))));
        steps.add(Step.of("send raw", c -> c.raw.send("r1".getBytes(StandardCharsets.UTF_8)), s -> s.send("raw", "bytes:r1")));
        steps.add(Step.of("open shared memory", c -> c.memory = c.comm.sharedMemory(), s -> s));
        steps.add(Step.of("set a", c -> c.memory.set("a", 1), s -> s.set("a", 1)));
        steps.add(Step.of("set b", c -> c.memory.set("b", "x"), s -> s.set("b", "x")));
        steps.add(Step.of("update a", c -> expect(2, c.memory.update("a", v -> ((Number) v).intValue() + 1)),
                s -> s.set("a", 2)));
        steps.add(Step.of("delete b", c -> expect(true, c.memory.delete("b")), s -> s.delete("b")));
        // 40 KB values: the second overflows the 64 KiB slot (compaction, growing the file), the seventh the grown one
        for (int i = 0; i < 8; i++) {
            String value = blob((char) ('c' + i), 40_000);
            steps.add(Step.of("set blob " + i, c -> c.memory.set("blob", value), s -> s.set("blob", value)));
        }
        steps.add(Step.of("subscribe", c -> c.memory.onSubscriberReceive("t", c.delivered::complete), s -> s));
        steps.add(Step.of("publish", c -> {
            c.memory.publish("t", 7);
            expect(7, c.delivered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }, s -> s));
        steps.add(Step.of("close jobs", c -> c.jobs.close(), s -> s.close("jobs")));
        steps.add(new Step("delete raw", c -> expect(true, c.comm.delete("raw")), s -> s.withoutChannel("raw"),
                List.of(s -> s.close("raw"))));
        steps.add(Step.of("close", c -> {
            Comm comm = c.comm;
            c.comm = null;
            comm.close();
        }, s -> s));
        return steps;
    }

    /**
     * The larger workload of the long form: the compact one with more traffic, a second
     * {@code Comm} that opens the existing files, a ring lapped by publishers and a third compaction.
     *
     * @return the steps
     */
    static List<Step> large() {
        List<Step> steps = new ArrayList<>(compact());
        Step close = steps.remove(steps.size() - 1);
        steps.add(Step.of("open second", c -> c.second = Comm.open(c.domain, OPTIONS), s -> s));
        steps.add(Step.of("second opens jobs", c -> expect(true, c.second.getChannel("jobs").isClosed()), s -> s));
        steps.add(Step.of("second creates work", c -> c.second.channel("work", String.class),
                s -> s.withChannel("work", new ChannelState(List.of(), false))));
        for (int i = 0; i < 40; i++) {
            String m = "w" + i + "-" + blob('w', 90);
            boolean first = i % 2 == 0;
            steps.add(Step.of("send work " + i, c -> (first ? c.comm : c.second).channel("work", String.class).send(m),
                    s -> s.send("work", m)));
            if (i % 3 == 2) {
                steps.add(Step.of("receive work", c -> c.second.channel("work", String.class).receive(WAIT).orElseThrow(),
                        s -> s.receive("work")));
            }
        }
        steps.add(Step.of("second reads storage", c -> expect(2, c.second.sharedMemory().get("a")), s -> s));
        for (int i = 0; i < 8; i++) {
            String value = blob((char) ('k' + i), 30_000);
            steps.add(Step.of("second sets blob " + i, c -> c.second.sharedMemory().set("blob2", value),
                    s -> s.set("blob2", value)));
        }
        steps.add(Step.of("second updates a", c -> c.second.sharedMemory().update("a", v -> ((Number) v).intValue() * 10),
                s -> s.set("a", 20)));
        steps.add(Step.of("lap the ring", c -> {
            for (int i = 0; i < 60; i++) {
                c.second.sharedMemory().publish("lap", blob('p', 200));
            }
        }, s -> s));
        steps.add(Step.of("close second", c -> {
            Comm second = c.second;
            c.second = null;
            second.close();
        }, s -> s));
        steps.add(close);
        return steps;
    }

    /** The state of a run's domain with every step done. */
    static State expectedAfter(List<Step> steps) {
        State state = State.empty();
        for (Step step : steps) {
            state = step.effect().apply(state);
        }
        return state;
    }

    private static void expect(Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw new AssertionError("workload expected " + expected + " but got " + actual);
        }
    }

    /** Lists the states a failed step may leave. */
    static List<State> acceptable(Step step, State before) {
        List<State> states = new ArrayList<>();
        states.add(before);
        for (UnaryOperator<State> between : step.between()) {
            states.add(between.apply(before));
        }
        states.add(step.effect().apply(before));
        return states;
    }

    /** Describes states for a failure message. */
    static String describe(List<State> states) {
        Map<Integer, String> shown = new LinkedHashMap<>();
        for (int i = 0; i < states.size(); i++) {
            shown.put(i, states.get(i).brief());
        }
        return shown.toString();
    }
}
