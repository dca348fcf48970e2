package io.litecomm.mapped.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** JSON edge cases of {@link SharedMemory}: what goes in, what comes out, and what is refused. */
@Timeout(30)
class SharedMemoryJsonTest {

    @TempDir
    Path dir;

    private Comm comm;
    private Comm other;
    private SharedMemory memory;
    private SharedMemory otherMemory;

    @BeforeEach
    void open() {
        comm = Comm.open(dir.resolve("d"));
        other = Comm.open(dir.resolve("d"));
        memory = comm.sharedMemory();
        otherMemory = other.sharedMemory();
    }

    @AfterEach
    void close() {
        other.close();
        comm.close();
    }

    /** A bean whose getter returns itself: Jackson reports a direct self-reference. */
    public static final class SelfReferencing {
        public SelfReferencing getSelf() {
            return this;
        }
    }

    /** A bean whose getter throws. */
    public static final class ThrowingGetter {
        public String getValue() {
            throw new IllegalStateException("getter failed on purpose");
        }
    }

    private static List<Object> unserialisableValues() {
        Map<String, Object> selfMap = new HashMap<>();
        selfMap.put("self", selfMap);
        List<Object> selfList = new ArrayList<>();
        selfList.add(selfList);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("ok", 1);
        nested.put("bad", new ThrowingGetter());
        return List.of(new SelfReferencing(), new ThrowingGetter(), selfMap, selfList, nested, new Object());
    }

    @Test
    void unserialisableValueIsIllegalArgumentAndChangesNothing() {
        memory.set("a", Map.of("x", 1));
        memory.set("b", "keep");
        long version = memory.version();
        Map<String, Object> before = memory.getAll();
        for (Object bad : unserialisableValues()) {
            String what = bad.getClass().getSimpleName();
            assertThrows(IllegalArgumentException.class, () -> memory.set("a", bad), what);
            assertThrows(IllegalArgumentException.class, () -> memory.set("fresh", bad), what);
            assertThrows(IllegalArgumentException.class, () -> memory.update("a", old -> bad), what);
            assertThrows(IllegalArgumentException.class, () -> memory.update("fresh", old -> bad), what);
            assertThrows(IllegalArgumentException.class, () -> memory.publish("topic", bad), what);
            assertEquals(version, memory.version(), what);
            assertEquals(version, otherMemory.version(), what);
            assertEquals(before, memory.getAll(), what);
            assertEquals(before, otherMemory.getAll(), what);
        }
        // the page lock was released each time: both views can still write
        memory.set("after", 1);
        otherMemory.update("after", n -> ((Number) n).intValue() + 1);
        assertEquals(2, memory.get("after"));
        assertEquals(version + 2, otherMemory.version());
    }

    /**
     * A value nested deeper than the read limit ({@code JsonSupport.MAX_NESTING_DEPTH} = 500) but
     * within Jackson's write limit (1000) must either round-trip or be refused with nothing changed;
     * it must never commit a record that no process can read back.
     */
    @Test
    void deeplyNestedValueIsRefusedOrReadableButNeverPoisonsTheStore() {
        memory.set("a", 1);
        long version = memory.version();
        Object deep = nestedLists(600);
        RuntimeException failure = null;
        try {
            memory.set("deep", deep);
        } catch (RuntimeException e) {
            failure = e;
        }
        // whatever happened, every process must still read the store
        String readers;
        try (Comm fresh = Comm.open(dir.resolve("d"))) {
            readers = "fresh process reads a=" + fresh.sharedMemory().get("a");
        } catch (RuntimeException e) {
            readers = "fresh process cannot read the store: " + e;
        }
        String context = "set threw " + failure + "; " + readers;
        assertTrue(failure == null || failure instanceof IllegalArgumentException, context);
        assertEquals(1, otherMemory.get("a"), context);
        if (failure == null) {
            assertEquals(deep, otherMemory.get("deep"), context);
        } else {
            assertEquals(version, memory.version(), context);
            assertEquals(version, otherMemory.version(), context);
        }
        assertEquals(memory.getAll(), otherMemory.getAll(), context);
    }

    private static Object nestedLists(int depth) {
        Object value = "bottom";
        for (int i = 0; i < depth; i++) {
            List<Object> wrapper = new ArrayList<>(1);
            wrapper.add(value);
            value = wrapper;
        }
        return value;
    }

    @Test
    void updateWhoseFunctionThrowsChangesNothingEvenIfItMutatedTheOldValue() {
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("items", new ArrayList<>(List.of(1, 2)));
        memory.set("m", original);
        long version = memory.version();
        UnaryOperator<Object> vandal = old -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) old;
            map.put("items", "mutated");
            throw new IllegalStateException("fn failed on purpose");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> memory.update("m", vandal));
        assertEquals("fn failed on purpose", e.getMessage());
        assertEquals(original, memory.get("m"));
        assertEquals(original, otherMemory.get("m"));
        assertEquals(version, memory.version());
        otherMemory.set("m", 2); // the lock was released
        assertEquals(2, memory.get("m"));
    }

    @Test
    void valuesGoInAndComeOutAsCopies() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("list", new ArrayList<>(List.of("a")));
        memory.set("k", value);
        value.put("list", "changed after set");
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) memory.get("k");
        assertEquals(Map.of("list", List.of("a")), got);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) got.get("list");
        list.add("b");
        got.put("extra", 1);
        memory.getAll().put("k", "replaced in a snapshot");
        assertEquals(Map.of("list", List.of("a")), memory.get("k"));
        assertEquals(Map.of("list", List.of("a")), otherMemory.get("k"));
    }

    @Test
    void wrongTypeIsCommExceptionNamingKeyAndBothTypes() {
        memory.set("name", "abc");
        memory.set("obj", Map.of("a", 1));
        memory.set("list", List.of(1, 2));
        assertWrongType(() -> otherMemory.get("name", Integer.class), "name", "java.lang.Integer", "java.lang.String");
        assertWrongType(() -> otherMemory.get("obj", Integer.class), "obj", "java.lang.Integer", "Map");
        assertWrongType(() -> otherMemory.get("list", Map.class), "list", "java.util.Map", "List");
        assertWrongType(() -> otherMemory.get("name", 5), "name", "java.lang.Integer", "java.lang.String");
        assertWrongType(() -> otherMemory.get("obj", List.of()), "obj", "List", "Map");
        // conversions that make sense still work
        memory.set("n", 5);
        assertEquals(5L, otherMemory.get("n", Long.class));
        assertEquals(5.0, otherMemory.get("n", 0.0));
        assertEquals(Point.class, otherMemory.get("p", new Point(0, 0)).getClass());
        memory.set("p", Map.of("x", 1, "y", 2));
        assertEquals(new Point(1, 2), otherMemory.get("p", Point.class));
        assertEquals(new Point(1, 2), otherMemory.get("p", new Point(0, 0)));
    }

    /** A record for typed reads. */
    public record Point(int x, int y) {
    }

    private static void assertWrongType(Executable call, String key, String requested, String actual) {
        CommException e = assertThrows(CommException.class, call);
        String message = e.getMessage();
        assertTrue(message.contains("key=" + key), message);
        assertTrue(message.contains(requested), message);
        assertTrue(message.contains(actual), message);
    }

    @Test
    void nullValuesArePresentKeys() {
        memory.set("n", null);
        assertNull(otherMemory.get("n"));
        assertNull(otherMemory.get("n", String.class));
        assertEquals("default", otherMemory.get("n", "default"));
        Map<String, Object> all = otherMemory.getAll();
        assertTrue(all.containsKey("n"), all.toString());
        assertNull(all.get("n"));
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("inner", null);
        withNull.put("list", Arrays.asList(1, null, 3));
        memory.set("m", withNull);
        assertEquals(withNull, otherMemory.get("m"));
        assertEquals(1, otherMemory.update("n", old -> {
            assertNull(old);
            return 1;
        }));
        long version = memory.version();
        assertNull(memory.update("n", old -> null), "a null result deletes");
        assertEquals(version + 1, otherMemory.version());
        assertFalse(otherMemory.getAll().containsKey("n"));
        assertFalse(otherMemory.delete("n"));
        assertNull(memory.update("absent", old -> null));
        assertEquals(version + 1, otherMemory.version(), "deleting an absent key is no change");
        memory.set("n", null);
        assertTrue(otherMemory.delete("n"), "a key holding null exists");
        assertNull(memory.get("absent", String.class));
    }

    @Test
    void nullMessagesArePublishedToo() {
        List<Object> got = new CopyOnWriteArrayList<>();
        otherMemory.onSubscriberReceive("t", got::add);
        memory.publish("t", null);
        memory.publish("t", Map.of("a", 1));
        Await.until(() -> got.size() == 2, Duration.ofSeconds(10), () -> "got " + got);
        assertEquals(Arrays.asList(null, Map.of("a", 1)), got);
    }

    @Test
    void emptyKeysAreIllegalArgumentsAndNullKeysNullPointers() {
        memory.set("a", 1);
        long version = memory.version();
        List<Executable> emptyKeyCalls = List.of(
                () -> memory.set("", 1),
                () -> memory.get(""),
                () -> memory.get("", String.class),
                () -> memory.get("", "default"),
                () -> memory.delete(""),
                () -> memory.update("", old -> 1),
                () -> memory.publish("", 1),
                () -> memory.onSubscriberReceive("", value -> { }));
        for (Executable call : emptyKeyCalls) {
            assertThrows(IllegalArgumentException.class, call);
        }
        List<Executable> nullKeyCalls = List.of(
                () -> memory.set(null, 1),
                () -> memory.get(null),
                () -> memory.delete(null),
                () -> memory.update(null, old -> 1),
                () -> memory.publish(null, 1));
        for (Executable call : nullKeyCalls) {
            assertThrows(NullPointerException.class, call);
        }
        assertEquals(version, otherMemory.version());
        assertEquals(Map.of("a", 1), otherMemory.getAll());
    }
}
