package io.litecomm.mapped.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep copies of JSON-native values, so callers never share the store's own maps and lists. */
final class JsonValues {

    private JsonValues() {
    }

    static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), copy(e.getValue()));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object each : list) {
                out.add(copy(each));
            }
            return out;
        }
        return value;
    }
}
