package io.litecomm.reliability;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import java.nio.file.Path;

/**
 * The writer of {@link StoreFootprintTest}'s cross-process cycle. Arguments: domain, rounds. Sets
 * key {@code small}, then for each round sets key {@code big} to {@link #big(int)} and prints
 * {@code SET r}, waits for {@code next}, deletes it and prints {@code DELETED r}, waits for
 * {@code next}. Prints {@code MAPS n} (its mappings of replaced page files still alive), {@code DONE}.
 */
public final class StoreCycler {

    /** Length of the cycled value: 20 MB. */
    static final int BIG = 20_000_000;

    private StoreCycler() {
    }

    /**
     * The value of round {@code r}: 20 MB with the round at both ends.
     *
     * @param round the round
     * @return the value
     */
    static String big(int round) {
        String mark = "<" + round + ">";
        return mark + "x".repeat(BIG - 2 * mark.length()) + mark;
    }

    /**
     * Whether a value read is one of the rounds' values, whole.
     *
     * @param value what a reader got
     * @return the round, or -1 if it is not a whole value
     */
    static int roundOf(Object value) {
        if (!(value instanceof String s) || s.length() != BIG || !s.startsWith("<")) {
            return -1;
        }
        String mark = s.substring(0, s.indexOf('>') + 1);
        return s.endsWith(mark) && s.charAt(BIG / 2) == 'x' ? Integer.parseInt(mark.substring(1, mark.length() - 1)) : -1;
    }

    public static void main(String[] args) {
        ChildSupport commands = ChildSupport.watchParent();
        int rounds = Integer.parseInt(args[1]);
        try (Comm comm = Comm.open(Path.of(args[0]))) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("small", "s".repeat(10_000));
            for (int round = 0; round < rounds; round++) {
                memory.set("big", big(round));
                ChildSupport.say("SET " + round);
                commands.expect("next");
                ChildSupport.check(memory.delete("big"), "big was set");
                ChildSupport.say("DELETED " + round);
                commands.expect("next");
            }
            ChildSupport.say("MAPS " + ReliabilitySupport.mappings("self", "storage.page (deleted)").size());
        }
        ChildSupport.say("DONE");
    }
}
