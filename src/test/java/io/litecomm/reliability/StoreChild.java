package io.litecomm.reliability;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shared-memory process that holds the store's lock on command. Arguments: domain, number of
 * keys. It sets keys {@code k0 .. k(n-1)} to {@link #value(int)}, prints
 * {@code COMMITTED version=v}, then calls {@code update("held", fn)} whose {@code fn} prints
 * {@code IN-LOCK} and blocks until the parent sends {@code release} (or kills it there). After that,
 * commands: {@code count N file} (N increments of "counter", the values it got written to the
 * file, then {@code COUNTED}), {@code spin file} (increments until the next command, which it
 * consumes, then the same) and {@code exit}.
 */
public final class StoreChild {

    private StoreChild() {
    }

    /**
     * The committed value of key {@code i}.
     *
     * @param i the key's number
     * @return a JSON-native value
     */
    static Map<String, Object> value(int i) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("i", i);
        value.put("pad", "v".repeat(i * 37 % 500));
        return value;
    }

    public static void main(String[] args) throws IOException {
        ChildSupport commands = ChildSupport.watchParent();
        int keys = Integer.parseInt(args[1]);
        try (Comm comm = Comm.open(Path.of(args[0]))) {
            SharedMemory memory = comm.sharedMemory();
            for (int i = 0; i < keys; i++) {
                memory.set("k" + i, value(i));
            }
            ChildSupport.say("COMMITTED version=" + memory.version());
            memory.update("held", old -> {
                ChildSupport.say("IN-LOCK");
                commands.expect("release");
                return "released";
            });
            ChildSupport.say("RELEASED version=" + memory.version());
            while (true) {
                String[] command = commands.next().split(" ");
                if ("exit".equals(command[0])) {
                    break;
                }
                boolean spin = "spin".equals(command[0]);
                long n = spin ? Long.MAX_VALUE : Long.parseLong(command[1]);
                List<String> got = new ArrayList<>();
                if (spin) {
                    ChildSupport.say("SPINNING");
                }
                for (long i = 0; i < n && !(spin && commands.poll() != null); i++) {
                    got.add(String.valueOf(memory.update("counter", c -> c == null ? 1L : ((Number) c).longValue() + 1)));
                }
                Files.write(Path.of(command[spin ? 1 : 2]), got);
                ChildSupport.say("COUNTED " + got.size());
            }
        }
        ChildSupport.say("EXITING");
        System.exit(0);
    }
}
