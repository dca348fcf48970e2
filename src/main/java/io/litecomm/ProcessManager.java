package io.litecomm;

import io.litecomm.process.ChildLaunch;
import io.litecomm.process.ChildMain;
import io.litecomm.process.ChildSpec;
import io.litecomm.process.ChildSupervisor;
import io.litecomm.process.OutputMode;
import io.litecomm.process.RestartRule;
import io.litecomm.process.SourceCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and supervises child JVMs that talk to this process over a domain, as LiteyukiBot's
 * process manager does.
 *
 * <pre>{@code
 * try (Comm comm = Comm.current(); ProcessManager processes = new ProcessManager(comm)) {
 *     processes.add("nonebot", NoneBotProcess.class);
 *     processes.startAll();                 // returns once the child is up
 *     comm.channel("nonebot-active", String.class).send("hello");
 *     Thread.sleep(1000);                   // closing the manager stops the child: let it work first
 * }
 * }</pre>
 *
 * <p>A child runs with this JVM's {@code java}, from where this JVM found the classes: its class
 * path, its module path, a single-file script of the source launcher (compiled for the child), or
 * the class path of the {@code URLClassLoader} that loaded the child class (as under
 * {@code mvn exec:java}). {@link #add} refuses a class that is not public or has no
 * {@code public static void main(String[])}, and creates the child's two untyped channels
 * {@code {name}-active} and {@code {name}-passive}, which the child gets from
 * {@link Comm#activeChannel(Class)} and {@link Comm#passiveChannel(Class)}, and the control channel
 * {@code {name}.control} through which the child may call {@link #requestStop()} or
 * {@link #requestRestart()}. {@link #start} returns once the child's bootstrap is running its main
 * class, and throws with the child's last output if it died before. The child's SLF4J records reach
 * this JVM with their level, logger and message, its stdout and stderr line by line, as
 * {@link ProcessOptions.Output} says (to SLF4J, or to this JVM's console when it has no SLF4J
 * provider). A stop asks the child to exit (exit code 0), and kills it after the grace period. If
 * this process dies, even by SIGKILL, its children see their standard input close and exit. A
 * shutdown hook stops the children when this JVM exits. Thread-safe.
 */
public final class ProcessManager implements AutoCloseable {

    /** Suffix of a child's control channel. */
    public static final String CONTROL_SUFFIX = ".control";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessManager.class);
    private static final Duration HOOK_GRACE = Duration.ofSeconds(2);

    private final Comm comm;
    private final ProcessOptions defaults;
    private final Map<String, ChildSupervisor> children = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Thread shutdownHook;
    private final SourceCompiler compiler = new SourceCompiler();
    private boolean closed;

    /**
     * Creates a manager for children of {@code comm}'s domain, with default options.
     *
     * @param comm the domain the children join
     */
    public ProcessManager(Comm comm) {
        this(comm, ProcessOptions.defaults());
    }

    /**
     * Creates a manager with default options for its children.
     *
     * @param comm the domain the children join
     * @param defaults options of children added without their own
     */
    public ProcessManager(Comm comm, ProcessOptions defaults) {
        this.comm = Objects.requireNonNull(comm, "comm");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "litecomm-process-manager");
            t.setDaemon(true);
            return t;
        });
        this.shutdownHook = new Thread(this::stopAllOnExit, "litecomm-process-manager-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Registers a child with the default options and creates its channels.
     *
     * @param name the child's name: a valid channel name prefix
     * @param mainClass its main class, on this JVM's class path
     * @param args arguments of its main method
     * @throws IllegalArgumentException if the name is taken or invalid
     */
    public void add(String name, Class<?> mainClass, String... args) {
        add(name, mainClass, defaults, args);
    }

    /**
     * Registers a child and creates its channels.
     *
     * @param name the child's name
     * @param mainClass its main class, on this JVM's class path
     * @param options how to launch and supervise it
     * @param args arguments of its main method
     * @throws IllegalArgumentException if the name is taken or invalid, the class is not public or
     *     has no {@code public static void main(String[])}, or a child cannot be started with it from
     *     this JVM (the message says why)
     */
    public synchronized void add(String name, Class<?> mainClass, ProcessOptions options, String... args) {
        checkOpen();
        Names.check(name);
        Objects.requireNonNull(mainClass, "mainClass");
        if (children.containsKey(name)) {
            throw new IllegalArgumentException("child already added: name=" + name);
        }
        try {
            ChildMain.checkedMain(mainClass);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " name=" + name, e);
        }
        ChildLaunch launch = ChildLaunch.of(name, mainClass, compiler);
        // first: a transport that children cannot join (mem:) refuses here, before anything is created
        Map<String, String> domainEnvironment = comm.childEnvironment();
        comm.channel(name + "-active");
        comm.channel(name + "-passive");
        ChildSpec spec = new ChildSpec(name, mainClass.getName(), List.of(args), options.jvmArgs(),
                options.environment(), options.workingDirectory(), rule(options), options.stopGracePeriod(),
                options.exitWithParent(), launch, OutputMode.valueOf(options.output().name()), options.startTimeout(),
                !options.forwardChildLogs());
        ChildSupervisor supervisor = new ChildSupervisor(spec, domainEnvironment, scheduler);
        comm.libraryChannel(name + CONTROL_SUFFIX).onReceive(request -> onControl(supervisor, request));
        children.put(name, supervisor);
    }

    private static RestartRule rule(ProcessOptions options) {
        ProcessOptions.RestartPolicy policy = options.restartPolicy();
        return new RestartRule(policy != ProcessOptions.RestartPolicy.NEVER, policy == ProcessOptions.RestartPolicy.ALWAYS,
                options.initialBackoff(), options.maxBackoff(), options.maxRestartsPerMinute());
    }

    private void onControl(ChildSupervisor supervisor, Object request) {
        if (!(request instanceof Map<?, ?> map) || !(map.get("pid") instanceof Number pid)) {
            LOG.warn("ignoring malformed control request: child={} request={}", supervisor.spec().name(), request);
            return;
        }
        if (supervisor.pid().orElse(-1) != pid.longValue()) {
            LOG.debug("ignoring control request of a previous run: child={} request={}", supervisor.spec().name(), request);
            return;
        }
        Object what = map.get("request");
        if ("stop".equals(what)) {
            LOG.info("child asked to stop: name={}", supervisor.spec().name());
            supervisor.requestStop();
        } else if ("restart".equals(what)) {
            LOG.info("child asked to restart: name={}", supervisor.spec().name());
            supervisor.requestRestart();
        } else {
            LOG.warn("ignoring unknown control request: child={} request={}", supervisor.spec().name(), request);
        }
    }

    /**
     * Starts a child unless it is running, and returns once it is up: its main class loaded and
     * its {@code main} about to run.
     *
     * @param name the child's name
     * @throws IllegalArgumentException if there is no such child
     * @throws IllegalStateException if the child exits before it is up (no such class, a bad JVM
     *     option, ...) or is not up within {@link ProcessOptions#startTimeout()}: the message has its
     *     exit code and last output lines, and its state is {@code FAILED}
     */
    public void start(String name) {
        child(name).start();
    }

    /**
     * Starts every child that is not running, in the order they were added, each as
     * {@link #start(String)} does.
     *
     * @throws IllegalStateException if a child fails to start; those after it are not started
     */
    public void startAll() {
        for (ChildSupervisor child : snapshot()) {
            child.start();
        }
    }

    /**
     * Stops a child: asks it to exit, waits the grace period, then destroys it. Returns when it
     * has exited.
     *
     * @param name the child's name
     */
    public void stop(String name) {
        child(name).stop();
    }

    /** Stops every child, returning when all have exited. */
    public void stopAll() {
        for (ChildSupervisor child : snapshot()) {
            child.stop();
        }
    }

    /**
     * Stops a child and starts it again.
     *
     * @param name the child's name
     */
    public void restart(String name) {
        child(name).restart();
    }

    /**
     * Whether a child's process is running.
     *
     * @param name the child's name
     * @return {@code true} if alive
     */
    public boolean isAlive(String name) {
        return child(name).isAlive();
    }

    /**
     * The lifecycle state of a child, e.g. {@code RUNNING}, {@code RESTARTING}, {@code STOPPED},
     * {@code EXITED}, or {@code FAILED} once the restart limit was reached.
     *
     * @param name the child's name
     * @return the state's name
     */
    public String state(String name) {
        return child(name).state().name();
    }

    /**
     * The process id of a child's current or last run.
     *
     * @param name the child's name
     * @return the pid, or empty if never started
     */
    public OptionalLong pid(String name) {
        return child(name).pid();
    }

    /**
     * The exit code of a child's last run: {@code 0} after a normal exit or a stop by this manager,
     * {@code 1} if its main threw, {@code 2} if its main class could not be run, {@code 137} if a
     * stop had to kill it after the grace period, {@code 143} if something else sent it SIGTERM.
     *
     * @param name the child's name
     * @return the code, or empty while it runs or if it never ran
     */
    public OptionalInt exitCode(String name) {
        Integer code = child(name).lastExitCode();
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /**
     * How often a child was restarted by its policy or at its own request.
     *
     * @param name the child's name
     * @return the count
     */
    public int restartCount(String name) {
        return child(name).restarts();
    }

    /**
     * Names of the children, in the order they were added.
     *
     * @return the names
     */
    public synchronized List<String> names() {
        return List.copyOf(children.keySet());
    }

    /**
     * In a managed child: asks the manager to stop this process. Returns at once; the manager then
     * stops the child as {@link #stop(String)} does.
     *
     * @throws IllegalStateException outside a managed child
     */
    public static void requestStop() {
        sendControl("stop");
    }

    /**
     * In a managed child: asks the manager to restart this process. Returns at once.
     *
     * @throws IllegalStateException outside a managed child
     */
    public static void requestRestart() {
        sendControl("restart");
    }

    private static void sendControl(String request) {
        String name = Comm.processName().orElseThrow(() -> new IllegalStateException(
                "not a child started by ProcessManager: environment variable " + Comm.ENV_PROCESS_NAME + " is not set"));
        Comm.current().libraryChannel(name + CONTROL_SUFFIX)
                .send(Map.of("request", request, "pid", ProcessHandle.current().pid()));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopAll();
        scheduler.shutdownNow();
        compiler.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void stopAllOnExit() {
        for (ChildSupervisor child : snapshot()) {
            if (child.isAlive()) {
                child.stop(HOOK_GRACE);
            }
        }
        compiler.close();
    }

    private synchronized List<ChildSupervisor> snapshot() {
        return new ArrayList<>(children.values());
    }

    private synchronized ChildSupervisor child(String name) {
        ChildSupervisor child = children.get(name);
        if (child == null) {
            throw new IllegalArgumentException("no such child: name=" + name + " children=" + children.keySet());
        }
        return child;
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("process manager closed");
        }
    }
}
