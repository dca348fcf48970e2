package io.litecomm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.inspect.DomainFiles;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code litecomm kv get|set|del|ls}: the domain's shared key-value store, through the public API. */
final class KvCommand implements Command {

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public String summary() {
        return "shared memory: kv get KEY | kv set KEY JSON | kv del KEY | kv ls";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm kv get KEY      [--dir DIR | --url URI] [--json]
                       litecomm kv set KEY JSON [--string] [--dir DIR | --url URI] [--json]
                       litecomm kv del KEY      [--dir DIR | --url URI] [--json]
                       litecomm kv ls           [--dir DIR | --url URI] [--json]

                The domain's shared memory (SharedMemory), a key-value store of JSON values.
                  get  prints the value of KEY as JSON
                  set  sets KEY to a JSON value (quote it for the shell: kv set user '{"id": 1}';
                       --string: store the argument as a JSON string); JSON null is a value
                  del  deletes KEY
                  ls   prints every key and its value, one 'KEY<TAB>JSON' per line, sorted
                --json: get prints {"key", "value"}, ls {"version", "entries": {...}}, set and del
                a line saying what changed. get, del and ls never create the store.

                Exit status: 0 ok; 1 no such key (get, del) or no such domain; 2 usage error
                (an empty KEY, a value that is not JSON or that the store refuses).
                """;
    }

    @Override
    public Set<String> flags() {
        return Set.of("--string");
    }

    @Override
    public int execute(Invocation invocation) throws Exception {
        Args args = invocation.args();
        String action = args.positional(0, "an action: get, set, del or ls");
        switch (action) {
            case "get", "del" -> args.noMoreThan(2);
            case "set" -> args.noMoreThan(3);
            case "ls" -> args.noMoreThan(1);
            default -> throw new UsageException("unknown action: " + action + " (get, set, del or ls)");
        }
        String key = action.equals("ls") ? null : args.positional(1, "KEY");
        if (key != null && key.isEmpty()) {
            throw new UsageException("the key must not be empty");
        }
        if (action.equals("set")) {
            String text = args.positional(2, "JSON value");
            JsonNode node = args.flag("--string") ? invocation.mapper().getNodeFactory().textNode(text)
                    : Payloads.parseJson(text, "value");
            return set(invocation, key, invocation.mapper().treeToValue(node, Object.class));
        }
        boolean exists = !invocation.files()
                || Files.exists(invocation.existingDomain().resolve(DomainFiles.STORAGE_PAGE), LinkOption.NOFOLLOW_LINKS);
        if (!exists) {
            if (action.equals("ls")) {
                printAll(invocation, Map.of(), 0);
                return LitecommCli.OK;
            }
            return noSuchKey(invocation, key);
        }
        try (Comm comm = invocation.open()) {
            SharedMemory memory = comm.sharedMemory();
            return switch (action) {
                case "get" -> get(invocation, memory, key);
                case "del" -> delete(invocation, memory, key);
                default -> {
                    printAll(invocation, memory.getAll(), memory.version());
                    yield LitecommCli.OK;
                }
            };
        }
    }

    private static int set(Invocation invocation, String key, Object value) {
        try (Comm comm = invocation.open()) {
            SharedMemory memory = comm.sharedMemory();
            try {
                memory.set(key, value);
            } catch (IllegalArgumentException e) {
                // the value itself is refused (nested too deep, say): bad input, like send's
                throw new UsageException("value refused: key=" + key + " cause=" + e.getMessage());
            }
            if (invocation.json()) {
                invocation.printJson(invocation.object().put("key", key).put("set", true).put("version", memory.version()));
            }
        }
        return LitecommCli.OK;
    }

    private static int get(Invocation invocation, SharedMemory memory, String key) throws Exception {
        Object value = memory.get(key);
        if (value == null && !memory.getAll().containsKey(key)) {
            return noSuchKey(invocation, key);
        }
        JsonNode node = invocation.mapper().valueToTree(value);
        if (invocation.json()) {
            ObjectNode line = invocation.object().put("key", key);
            line.set("value", node);
            invocation.printJson(line);
        } else {
            invocation.println(invocation.mapper().writeValueAsString(node));
        }
        return LitecommCli.OK;
    }

    private static int delete(Invocation invocation, SharedMemory memory, String key) {
        if (!memory.delete(key)) {
            return noSuchKey(invocation, key);
        }
        if (invocation.json()) {
            invocation.printJson(invocation.object().put("key", key).put("deleted", true));
        }
        return LitecommCli.OK;
    }

    private static int noSuchKey(Invocation invocation, String key) {
        invocation.note("no such key: key=" + key + " " + invocation.where());
        return LitecommCli.FAILURE;
    }

    private static void printAll(Invocation invocation, Map<String, Object> all, long version) {
        Map<String, Object> sorted = new TreeMap<>(all);
        if (invocation.json()) {
            ObjectNode root = invocation.object().put("version", version);
            root.set("entries", invocation.mapper().valueToTree(sorted));
            invocation.printJson(root);
            return;
        }
        sorted.forEach((key, value) -> {
            try {
                invocation.println(key + "\t" + invocation.mapper().writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
