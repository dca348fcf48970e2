package io.litecomm.bench.xproc;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code key=value} arguments of a child process, and the lines it prints. */
final class Params {

    private final Map<String, String> values;

    Params(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    static Params parse(String[] args) {
        return new Params(parseLine(String.join(" ", args)));
    }

    /** Parses {@code k=v k=v ...}; a word without '=' is ignored. */
    static Map<String, String> parseLine(String line) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                map.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return map;
    }

    static List<String> toArgs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** A value made safe for one word of a line: no white space. */
    static String word(Object value) {
        String s = String.valueOf(value).replaceAll("\\s+", "_");
        return s.isEmpty() ? "-" : s;
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing parameter " + key + " in " + values);
        }
        return v;
    }

    String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    long getLong(String key, long def) {
        String v = values.get(key);
        return v == null ? def : Long.parseLong(v);
    }

    int getInt(String key, int def) {
        return (int) getLong(key, def);
    }

    Path dir() {
        return Path.of(get("dir"));
    }

    Mode mode() {
        return Mode.valueOf(get("mode", "spin").toUpperCase(Locale.ROOT));
    }

    Role role() {
        return Role.valueOf(get("role").toUpperCase(Locale.ROOT));
    }

    long warmNanos() {
        return getLong("warmMs", 1000) * 1_000_000L;
    }

    long measureNanos() {
        return getLong("measureMs", 3000) * 1_000_000L;
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** How a receiver waits for the next message. */
    enum Mode {
        /** Polls in a loop with {@code Thread.onSpinWait()}. */
        SPIN,
        /** Polls; when empty, {@code LockSupport.parkNanos(1 µs)} (about 50 µs with Linux timer slack). */
        PARK,
        /** The transport's own blocking receive ({@code receive()} for litecomm: its default strategy). */
        BLOCK
    }

    /** Which side of a pair a process plays, and the streams it reads and writes. */
    enum Role {
        /** Sends pings, times the round trips. */
        PINGER("pong", "ping"),
        /** Echoes pings. */
        PONGER("ping", "pong"),
        /** Sends as fast as it can for the measuring time. */
        PRODUCER(null, "data"),
        /** Counts what arrives. */
        CONSUMER("data", null);

        private final String rx;
        private final String tx;

        Role(String rx, String tx) {
            this.rx = rx;
            this.tx = tx;
        }

        /** Name of the stream this role receives from, or null. */
        String rx() {
            return rx;
        }

        /** Name of the stream this role sends to, or null. */
        String tx() {
            return tx;
        }

        /** Whether this role starts first and the other side connects to it. */
        boolean first() {
            return this == PONGER || this == CONSUMER;
        }
    }
}
