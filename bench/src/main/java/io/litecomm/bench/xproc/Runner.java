package io.litecomm.bench.xproc;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts the child processes of one measurement with the orchestrator's {@code java} and class
 * path, in a fresh directory under the run's base directory, and collects their results. Every child
 * has a deadline and is killed, with its descendants, when the measurement ends however it ends.
 */
final class Runner {

    /** Allowance for JVM start-up and set-up on top of warm-up plus measuring time. */
    static final long STARTUP_BUDGET_MS = 30_000;

    private final Path base;
    private final PrintWriter log;
    private final String java;
    private final String classPath;
    private final long suiteDeadline;
    private long quietBudgetMs;
    private int counter;
    private double noiseBusy;
    private double noiseOwn;
    private long noiseStart;

    Runner(Path base, PrintWriter log, long suiteDeadline, long quietBudgetMs) {
        this.base = base;
        this.log = log;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classPath = System.getProperty("java.class.path");
        this.suiteDeadline = suiteDeadline;
        this.quietBudgetMs = quietBudgetMs;
    }

    /** Whether the run's time budget still allows another measurement (a minute's margin). */
    boolean timeLeft() {
        return timeLeft(60_000_000_000L);
    }

    /** Whether more than {@code nanos} of the run's time budget is left. */
    boolean timeLeft(long nanos) {
        return suiteDeadline - System.nanoTime() > nanos;
    }

    String java() {
        return java;
    }

    private Path scenarioDir(String label) throws IOException {
        if (System.nanoTime() > suiteDeadline) {
            throw new IllegalStateException("suite time budget exhausted before this measurement");
        }
        waitForQuiet();
        counter++;
        Path dir = base.resolve(String.format("s%02d-%s", counter, label.replaceAll("[^A-Za-z0-9.-]", "_")));
        Files.createDirectories(dir);
        return dir;
    }

    /** Waits, within what is left of the run's allowance, while other processes keep the machine busy. */
    private void waitForQuiet() {
        long t0 = System.nanoTime();
        try {
            Noise.awaitQuiet(0.2, quietBudgetMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        quietBudgetMs = Math.max(0, quietBudgetMs - (System.nanoTime() - t0) / 1_000_000L);
        noiseBusy = Noise.machineBusyMs();
        noiseOwn = Noise.ownCpuMs();
        noiseStart = System.nanoTime();
    }

    /** CPUs that processes other than the suite's kept busy since the measurement started. */
    private String foreignCpus(List<Launcher> children) {
        double wallMs = (System.nanoTime() - noiseStart) / 1e6;
        double mine = Noise.ownCpuMs() - noiseOwn;
        for (Launcher l : children) {
            mine += l.cpuMs();
        }
        double others = (Noise.machineBusyMs() - noiseBusy - mine) / wallMs;
        return String.format(Locale.ROOT, "%.3f", Math.max(0, others));
    }

    private List<String> command(List<String> flags, Map<String, String> params) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(BenchChild.class.getName());
        cmd.addAll(Params.toArgs(params));
        return cmd;
    }

    private static long budgetMs(Map<String, String> params) {
        return Long.parseLong(params.getOrDefault("warmMs", "1000")) + Long.parseLong(params.getOrDefault("measureMs", "3000"))
                + STARTUP_BUDGET_MS;
    }

    /**
     * One measurement between processes: {@code first} starts and announces itself, then
     * {@code seconds} processes of role {@code second} start with what it announced, all receive
     * {@code GO} together, and the results of all are merged.
     */
    Map<String, String> pair(String label, List<String> flags, Map<String, String> params, Params.Role first,
            Params.Role second, int seconds) throws Exception {
        Path dir = scenarioDir(label);
        long budget = budgetMs(params);
        long deadline = System.nanoTime() + budget * 1_000_000L;
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("dir", dir.toString());
        p.put("deadlineMs", Long.toString(budget + 5_000));
        List<Launcher> all = new ArrayList<>();
        try {
            p.put("role", first.name().toLowerCase(Locale.ROOT));
            Launcher a = Launcher.start(label + "/" + p.get("role"), command(flags, p), log);
            all.add(a);
            Map<String, String> announced = a.awaitReady(deadline);
            announced.remove("pid");
            p.putAll(announced);
            p.put("role", second.name().toLowerCase(Locale.ROOT));
            List<Launcher> others = new ArrayList<>();
            for (int i = 0; i < seconds; i++) {
                Launcher b = Launcher.start(label + "/" + p.get("role") + i, command(flags, p), log);
                all.add(b);
                others.add(b);
            }
            for (Launcher b : others) {
                b.awaitReady(deadline);
            }
            for (Launcher b : others) {
                b.go();
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (Launcher l : all) {
                result.putAll(l.awaitResult(deadline));
            }
            result.put("foreignCpus", foreignCpus(all));
            return result;
        } finally {
            all.forEach(Launcher::close);
            deleteTree(dir);
        }
    }

    /** One child process on its own. */
    Map<String, String> single(String label, List<String> flags, Map<String, String> params) throws Exception {
        Path dir = scenarioDir(label);
        long budget = budgetMs(params);
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("dir", dir.toString());
        p.put("deadlineMs", Long.toString(budget + 5_000));
        try (Launcher a = Launcher.start(label, command(flags, p), log)) {
            Map<String, String> result = new LinkedHashMap<>(a.awaitResult(System.nanoTime() + budget * 1_000_000L));
            result.put("foreignCpus", foreignCpus(List.of(a)));
            return result;
        } finally {
            deleteTree(dir);
        }
    }

    /** A process that is not a JVM of the suite (the Python peer), with a deadline. */
    Map<String, String> external(String label, List<String> command, long budgetMs) throws Exception {
        scenarioDir(label);
        try (Launcher a = Launcher.start(label, command, log)) {
            Map<String, String> result = new LinkedHashMap<>(a.awaitResult(System.nanoTime() + budgetMs * 1_000_000L));
            result.put("foreignCpus", foreignCpus(List.of(a)));
            return result;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
