package io.litecomm.bench.xproc;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cross-process benchmark suite of issue 5: for each transport, separate JVM processes
 * (ponger/pinger or consumer/producers) measure one-way latency and throughput of 64-byte messages;
 * then pub/sub, key-value and idle cost; then {@link Report} writes the Markdown report.
 *
 * <p>Options: {@code --quick}, {@code --only REGEX} (over scenario names such as {@code agrona.spin}),
 * {@code --redis-port N}, {@code --python CMD}, {@code --python-script FILE}, {@code --results FILE},
 * {@code --report FILE}, {@code --log FILE}, {@code --runtime-classpath FILE}, {@code --command TEXT},
 * {@code --revision TEXT} (the litecomm revision measured), {@code --report-only} (rewrite the report from
 * {@code --results}), {@code --redis} (only the Redis group, {@link RedisGroup}: litecomm on a {@code redis://}
 * domain against the raw Jedis floor, on the server of {@code --redis-port}; it rewrites only the report's
 * "Redis transport" section).
 */
public final class BenchMain {

    /** JVM flags Chronicle Queue and Chronicle Map need on Java 17 (plus analytics off). */
    static final List<String> CHRONICLE_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.disk.monitor.disable=true");
    /** JVM flags the Agrona ring buffer gets. */
    static final List<String> AGRONA_FLAGS = List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
    /** litecomm children get no JVM flag at all. */
    static final List<String> NO_FLAGS = List.of();
    /** Idle gap between pings of the "after 1 ms idle" measurement. */
    static final long GAP_NANOS = 1_000_000;

    private static final PrintStream OUT = System.out;

    final Options options;
    final Results results;
    final Runner runner;
    private final long start = System.nanoTime();

    BenchMain(Options options, Results results, Runner runner) {
        this.options = options;
        this.results = results;
        this.runner = runner;
    }

    /**
     * Runs the suite and writes the results and the report.
     *
     * @param args see the class comment
     * @throws Exception if the suite cannot run at all
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.reportOnly) {
            if (o.redisGroup) {
                RedisReport.write(o, Results.load(o.results));
            } else {
                Report.write(o, Results.load(o.results));
            }
            return;
        }
        Results results = new Results();
        Path base = baseDirectory();
        Files.createDirectories(o.log.toAbsolutePath().getParent());
        Thread cleanup = new Thread(() -> Runner.deleteTree(base), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        long budget = (o.redisGroup ? (o.quick ? 180L : 540L) : o.quick ? 160L : 1080L) * 1_000_000_000L;
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(o.log, StandardCharsets.UTF_8), true)) {
            BenchMain suite = new BenchMain(o, results, new Runner(base, log, System.nanoTime() + budget,
                    o.quick || o.redisGroup ? 8_000 : 150_000));
            Machine.describe(results, o, suite.runner.java());
            if (o.redisGroup) {
                results.info("command", o.command + " --redis" + (o.quick ? " --quick" : ""));
                new RedisGroup(suite).run();
            } else {
                suite.runAll();
            }
            results.info("load.end", Machine.loadAverage());
        } finally {
            Runner.deleteTree(base);
        }
        results.save(o.results);
        if (o.redisGroup) {
            RedisReport.write(o, results);
        } else {
            Report.write(o, results);
        }
        OUT.println("results: " + o.results + "  report: " + o.report + "  log: " + o.log);
    }

    private static Path baseDirectory() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createDirectories(parent.resolve("litecomm-xbench-" + ProcessHandle.current().pid()));
    }

    Map<String, String> timing(boolean gap) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("warmMs", options.quick ? "300" : "1000");
        p.put("measureMs", gap ? (options.quick ? "800" : "2500") : (options.quick ? "1000" : "3000"));
        return p;
    }

    void runAll() {
        Messaging m = new Messaging(this);
        m.litecomm();
        m.floor();
        m.agrona();
        m.chronicleQueue();
        m.sockets();
        m.fileLock();
        m.python();
        m.redis();
        m.pubSub();
        m.keyValue();
        m.idle();
        List<Scenario> scenarios = m.scenarios();
        for (int round = 1; round <= repeats(); round++) {
            for (Scenario sc : scenarios) {
                if (round > 1 && !runner.timeLeft()) {
                    break;
                }
                progress(sc.name + (repeats() > 1 ? " #" + round : ""), sc.runOnce());
            }
        }
        scenarios.forEach(sc -> sc.record(results));
    }

    /** Rounds over all measurements: three in a full run (the best run of each is kept), one in a quick run. */
    int repeats() {
        return options.quick ? 1 : 3;
    }

    boolean selected(String scenario) {
        return options.only == null || options.only.matcher(scenario).find();
    }

    /** Reports one finished or failed measurement on the console. */
    void progress(String scenario, String outcome) {
        OUT.printf(Locale.ROOT, "[%6.1fs] %-27s %s%n", (System.nanoTime() - start) / 1e9, scenario, outcome);
        OUT.flush();
    }

    /** Command-line options. */
    static final class Options {
        boolean quick;
        boolean reportOnly;
        boolean redisGroup;
        Pattern only;
        Integer redisPort;
        String python = "python3";
        Path pythonScript = Path.of("bench/python/mp_pipe_bench.py");
        Path results = Path.of("target/xbench/results.tsv");
        Path report = Path.of("docs/BENCHMARKS.md");
        Path log = Path.of("target/xbench/bench.log");
        Path runtimeClasspath;
        String command = "scripts/bench.sh";
        String revision = "unknown";

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--report-only" -> o.reportOnly = true;
                    case "--redis" -> o.redisGroup = true;
                    case "--only" -> o.only = Pattern.compile(args[++i]);
                    case "--redis-port" -> o.redisPort = Integer.parseInt(args[++i]);
                    case "--python" -> o.python = args[++i];
                    case "--python-script" -> o.pythonScript = Path.of(args[++i]);
                    case "--results" -> o.results = Path.of(args[++i]);
                    case "--report" -> o.report = Path.of(args[++i]);
                    case "--log" -> o.log = Path.of(args[++i]);
                    case "--runtime-classpath" -> o.runtimeClasspath = Path.of(args[++i]);
                    case "--command" -> o.command = args[++i];
                    case "--revision" -> o.revision = args[++i];
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }
    }
}
