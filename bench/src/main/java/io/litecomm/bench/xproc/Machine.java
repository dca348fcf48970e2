package io.litecomm.bench.xproc;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/** What the report says about the machine, the tools and litecomm's runtime dependencies. */
final class Machine {

    private Machine() {
    }

    static void describe(Results r, BenchMain.Options o, String java) {
        r.info("date", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")));
        r.info("mode", o.quick ? "quick" : "full");
        r.info("revision", o.revision);
        r.info("command", o.command + (o.quick ? " --quick" : ""));
        r.info("load.start", loadAverage());
        r.info("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        r.info("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        r.info("kernel", firstLine(Path.of("/proc/sys/kernel/osrelease"), ""));
        r.info("timerslack", firstLine(Path.of("/proc/self/timerslack_ns"), "") + " ns");
        r.info("java", String.join("; ", run(List.of(java, "-version"))));
        r.info("python", String.join("; ", run(List.of(o.python, "--version"))));
        if (o.redisPort != null) {
            try (Jedis jedis = PubSubBench.jedis(o.redisPort)) {
                for (String line : jedis.info("server").split("\r?\n")) {
                    if (line.startsWith("redis_version:")) {
                        r.info("redis", line.substring("redis_version:".length()).trim());
                    }
                }
            } catch (RuntimeException e) {
                r.info("redis", "unreachable: " + e.getMessage());
            }
        }
        dependencies(r, o.runtimeClasspath);
    }

    private static void dependencies(Results r, Path classpathFile) {
        if (classpathFile == null || !Files.isRegularFile(classpathFile)) {
            r.fail("deps.bytes", "no runtime class path given (--runtime-classpath)");
            return;
        }
        try {
            String cp = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
            long total = 0;
            List<String> jars = new ArrayList<>();
            for (String entry : cp.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path jar = Path.of(entry);
                long size = Files.size(jar);
                total += size;
                jars.add(String.format("%s (%d KB)", jar.getFileName(), Math.round(size / 1000.0)));
            }
            r.put("deps.bytes", total);
            r.put("deps.jars", jars.size());
            r.info("deps.list", String.join(", ", jars));
        } catch (IOException | RuntimeException e) {
            r.fail("deps.bytes", "cannot read the runtime class path: " + e.getMessage());
        }
    }

    /** The three load averages of {@code /proc/loadavg}. */
    static String loadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"), "");
        String[] f = line.split("\\s+");
        return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : line;
    }

    private static String firstLine(Path file, String prefix) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(prefix)) {
                    int colon = line.indexOf(':');
                    return (prefix.isEmpty() || colon < 0 ? line : line.substring(colon + 1)).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static List<String> run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line.trim());
                }
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return lines;
        } catch (IOException e) {
            return List.of("unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("interrupted");
        }
    }
}
