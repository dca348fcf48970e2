package io.litecomm.bench.xproc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of a run by key ({@code row.metric}), and for each figure not measured, why. */
final class Results {

    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> missing = new LinkedHashMap<>();
    private final Map<String, String> info = new LinkedHashMap<>();

    synchronized void put(String key, double value) {
        values.put(key, value);
        missing.remove(key);
    }

    synchronized void fail(String key, String reason) {
        if (!values.containsKey(key)) {
            missing.put(key, reason);
        }
    }

    synchronized void info(String key, String value) {
        info.put(key, value);
    }

    synchronized Double get(String key) {
        return values.get(key);
    }

    synchronized String reason(String key) {
        return missing.getOrDefault(key, "not run");
    }

    synchronized String info(String key) {
        return info.get(key);
    }

    synchronized Map<String, Double> values() {
        return new LinkedHashMap<>(values);
    }

    synchronized Map<String, String> infos() {
        return new LinkedHashMap<>(info);
    }

    /** Tab-separated {@code key value} lines, {@code missing} and {@code info} lines for the rest. */
    synchronized void save(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        values.forEach((k, v) -> lines.add("value\t" + k + "\t" + v));
        missing.forEach((k, v) -> lines.add("missing\t" + k + "\t" + v.replace('\t', ' ').replace('\n', ' ')));
        info.forEach((k, v) -> lines.add("info\t" + k + "\t" + v.replace('\t', ' ').replace('\n', ' ')));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static Results load(Path file) throws IOException {
        Results r = new Results();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 3);
            if (f.length < 3) {
                continue;
            }
            switch (f[0]) {
                case "value" -> r.put(f[1], Double.parseDouble(f[2]));
                case "missing" -> r.fail(f[1], f[2]);
                case "info" -> r.info(f[1], f[2]);
                default -> { }
            }
        }
        return r;
    }
}
