package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The process of {@link StoreTruncatedMappingTest} whose store a peer truncates. Argument: domain.
 * Warms every store operation up (so it runs compiled, where the JVM reports a fault on a mapping
 * late), prints {@code READY}, waits for {@code go}, then runs rounds of every operation, printing
 * {@code OUTCOME op RETURNED|CORRUPT|INTERNAL|OTHER detail} for each, for five rounds after the
 * first {@link CorruptFileException} (at most 100 rounds). Then a bystander
 * channel ({@code BYSTANDER ok}); anything thrown outside the calls is printed as {@code LATE};
 * {@code DONE}. Exits 0 unless the JVM dies.
 */
public final class StoreTruncationVictim {

    private StoreTruncationVictim() {
    }

    static Map<String, Consumer<SharedMemory>> operations() {
        Map<String, Consumer<SharedMemory>> ops = new LinkedHashMap<>();
        ops.put("get", m -> m.get("k"));
        ops.put("set", m -> m.set("k", "v"));
        ops.put("update", m -> m.update("n", n -> n == null ? 1 : ((Number) n).intValue() + 1));
        ops.put("delete", m -> m.delete("gone"));
        ops.put("getAll", SharedMemory::getAll);
        ops.put("version", SharedMemory::version);
        ops.put("publish", m -> m.publish("t", "m"));
        ops.put("subscribe", m -> m.onSubscriberReceive("t", x -> { }).cancel());
        return ops;
    }

    public static void main(String[] args) {
        ChildSupport commands = ChildSupport.watchParent();
        try (Comm comm = Comm.open(Path.of(args[0]))) {
            SharedMemory memory = comm.sharedMemory();
            Channel<String> bystander = comm.channel("bystander", String.class);
            AtomicLong received = new AtomicLong();
            memory.onSubscriberReceive("t", x -> received.incrementAndGet());
            Map<String, Consumer<SharedMemory>> ops = operations();
            for (int i = 0; i < 3_000; i++) {
                for (Consumer<SharedMemory> op : ops.values()) {
                    op.accept(memory);
                }
            }
            ChildSupport.say("READY");
            commands.expect("go");
            int firstCorruptRound = -1;
            for (int round = 0; round < 100 && (firstCorruptRound < 0 || round < firstCorruptRound + 5); round++) {
                for (Map.Entry<String, Consumer<SharedMemory>> op : ops.entrySet()) {
                    String outcome = outcome(op.getValue(), memory);
                    if (outcome.startsWith("CORRUPT") && firstCorruptRound < 0) {
                        firstCorruptRound = round;
                    }
                    say("OUTCOME " + op.getKey() + " " + outcome);
                }
            }
            bystander.send("still here");
            say("BYSTANDER " + ("still here".equals(bystander.receive()) ? "ok" : "wrong"));
        } catch (Throwable t) {
            say("LATE " + t);
        }
        say("DONE");
        System.exit(0);
    }

    private static String outcome(Consumer<SharedMemory> op, SharedMemory memory) {
        try {
            op.accept(memory);
            return "RETURNED";
        } catch (CorruptFileException e) {
            return "CORRUPT " + e.getMessage();
        } catch (InternalError e) {
            return "INTERNAL " + e.getMessage();
        } catch (Throwable e) {
            return "OTHER " + e;
        }
    }

    /** Prints a line, even when the JVM reports a late fault while printing. */
    private static void say(String line) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                ChildSupport.say(line);
                return;
            } catch (InternalError e) {
                line = "LATE " + e.getMessage() + " | " + line;
            }
        }
    }
}
