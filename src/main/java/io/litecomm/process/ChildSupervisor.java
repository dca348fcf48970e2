package io.litecomm.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Launches and supervises one child JVM: start, graceful-then-forced stop, restart on request or by
 * its restart rule with bounded exponential back-off and a per-minute limit, output forwarded as
 * {@link LogForwarder} says.
 */
public final class ChildSupervisor {

    /** Lifecycle of a supervised child. */
    public enum State {
        /** Added, never started. */
        NEW,
        /** Running. */
        RUNNING,
        /** Exited and waiting out its back-off before a restart. */
        RESTARTING,
        /** Being stopped. */
        STOPPING,
        /** Stopped by the manager or at its own request. */
        STOPPED,
        /** Exited by itself and its rule does not restart it. */
        EXITED,
        /** Restarted too often: the supervisor gave up. */
        FAILED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChildSupervisor.class);
    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ChildSpec spec;
    private final Map<String, String> domainEnvironment;
    private final ScheduledExecutorService scheduler;
    private final Logger childLog;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Long> restartTimes = new ArrayDeque<>();
    private Process process;
    private State state = State.NEW;
    private int generation;
    private int consecutive;
    private int restarts;
    private long startedNanos;
    private Integer lastExitCode;
    private ScheduledFuture<?> pendingRestart;
    private LogForwarder forwarder;

    /**
     * Creates a supervisor; nothing runs until {@link #start()}.
     *
     * @param spec the child
     * @param domainEnvironment what the child needs to open the parent's domain (the transport says)
     * @param scheduler runs restarts after their back-off
     */
    public ChildSupervisor(ChildSpec spec, Map<String, String> domainEnvironment, ScheduledExecutorService scheduler) {
        this.spec = spec;
        this.domainEnvironment = Map.copyOf(domainEnvironment);
        this.scheduler = scheduler;
        this.childLog = LoggerFactory.getLogger("litecomm.process." + spec.name());
    }

    /**
     * The child's spec.
     *
     * @return the spec
     */
    public ChildSpec spec() {
        return spec;
    }

    /**
     * Starts the child unless it is running, and waits until its bootstrap reports that it is up
     * (its main class found, its main about to run).
     *
     * @throws IllegalStateException if the child cannot be launched, exits before it is up, or is
     *     not up within the spec's start timeout; the state is then {@link State#FAILED} and the
     *     message carries the child's exit code and last output lines
     */
    public void start() {
        Process started;
        LogForwarder output;
        int gen;
        lock.lock();
        try {
            cancelPendingRestart();
            if (process != null && process.isAlive()) {
                return;
            }
            consecutive = 0;
            restartTimes.clear();
            launch();
            started = process;
            output = forwarder;
            gen = generation;
        } finally {
            lock.unlock();
        }
        awaitReady(started, output, gen);
    }

    private void awaitReady(Process started, LogForwarder output, int gen) {
        String problem;
        try {
            output.ready().get(spec.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            problem = "not up within " + spec.startTimeout().toMillis() + " ms";
        } catch (ExecutionException e) {
            problem = "exited before it was up";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted waiting for it to be up";
        }
        lock.lock();
        try {
            if (gen == generation) {
                cancelPendingRestart();
                state = State.FAILED;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (started.isAlive()) {
            started.destroyForcibly();
            waitFor(started, Duration.ofSeconds(10));
        }
        output.awaitDrained(Duration.ofSeconds(2));
        String code = started.isAlive() ? "running" : String.valueOf(started.exitValue());
        StringBuilder message = new StringBuilder("child failed to start: name=").append(spec.name())
                .append(" mainClass=").append(spec.mainClass()).append(" launch=").append(spec.launch().mode())
                .append(" problem=").append(problem).append(" exitCode=").append(code);
        List<String> tail = output.tail();
        message.append(tail.isEmpty() ? "; it printed nothing" : "; its last output:");
        for (String line : tail) {
            message.append(System.lineSeparator()).append("    ").append(line);
        }
        LOG.error("{}", message);
        throw new IllegalStateException(message.toString());
    }

    private void launch() {
        List<String> command = ChildCommand.command(ChildCommand.currentJava(), spec);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = ChildCommand.environment(domainEnvironment, spec);
        builder.environment().putAll(env);
        builder.environment().put(ChildCommand.ENV_LOG_LEVEL, verbosest().name());
        if (spec.workingDirectory() != null) {
            builder.directory(spec.workingDirectory().toFile());
        }
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            state = State.FAILED;
            changed.signalAll();
            throw new IllegalStateException("cannot start child: name=" + spec.name() + " command=" + command, e);
        }
        process = started;
        lastExitCode = null;
        int gen = ++generation;
        startedNanos = System.nanoTime();
        state = State.RUNNING;
        changed.signalAll();
        LogForwarder output = new LogForwarder(spec.name(), spec.output());
        forwarder = output;
        output.start(started.getInputStream(), started.getErrorStream());
        started.onExit().thenAccept(p -> {
            // the last lines first, so that a failure report has them
            output.awaitDrained(Duration.ofSeconds(2));
            output.ready().completeExceptionally(new IllegalStateException("exited: code=" + p.exitValue()));
            onExit(p, gen);
        });
        LOG.info("started child: name={} pid={} main={} launch={}", spec.name(), started.pid(), spec.mainClass(),
                spec.launch().mode());
    }

    /** The most verbose level the parent logs this child's records at: the child need not send more. */
    private Level verbosest() {
        if (spec.output() != OutputMode.LOG || !LogForwarder.hasProvider()) {
            return Level.INFO;
        }
        for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN}) {
            if (childLog.isEnabledForLevel(level)) {
                return level;
            }
        }
        return Level.ERROR;
    }

    private void onExit(Process exited, int gen) {
        lock.lock();
        try {
            if (gen != generation) {
                return;
            }
            int code = exited.exitValue();
            lastExitCode = code;
            if (state != State.RUNNING) {
                return;
            }
            boolean failed = code != 0;
            LOG.info("child exited: name={} pid={} code={}", spec.name(), exited.pid(), code);
            RestartRule rule = spec.restart();
            if (failed ? rule.onFailure() : rule.onCleanExit()) {
                scheduleRestart(rule);
            } else {
                state = State.EXITED;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void scheduleRestart(RestartRule rule) {
        long now = System.nanoTime();
        while (!restartTimes.isEmpty() && now - restartTimes.peekFirst() > WINDOW_NANOS) {
            restartTimes.pollFirst();
        }
        if (restartTimes.size() >= rule.maxRestartsPerMinute()) {
            state = State.FAILED;
            LOG.error("giving up on child: name={} reason=restart limit reached restarts={} limit={}/min lastExitCode={}",
                    spec.name(), restarts, rule.maxRestartsPerMinute(), lastExitCode);
            return;
        }
        if (now - startedNanos > WINDOW_NANOS) {
            consecutive = 0;
        }
        Duration delay = rule.backoff(consecutive++);
        restartTimes.addLast(now);
        state = State.RESTARTING;
        LOG.info("restarting child: name={} in={}ms attempt={}", spec.name(), delay.toMillis(), consecutive);
        pendingRestart = scheduler.schedule(this::restartAfterBackoff, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restartAfterBackoff() {
        lock.lock();
        try {
            if (state == State.RESTARTING) {
                pendingRestart = null;
                restarts++;
                launch();
            }
        } catch (RuntimeException e) {
            LOG.error("restart failed: name={}", spec.name(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the child: asks it to exit (the line {@value ChildMain#STOP_COMMAND} on its standard
     * input, on which it runs its shutdown hooks and exits with {@value ChildMain#STOPPED_EXIT}),
     * waits the grace period, then destroys it and its descendants (exit code 137). Returns once it
     * has exited and its last output is forwarded.
     */
    public void stop() {
        stop(spec.stopGrace());
    }

    /**
     * Stops the child as {@link #stop()} does, with another grace period.
     *
     * @param grace how long it may take to exit before it is destroyed
     */
    public void stop(Duration grace) {
        Process toStop;
        LogForwarder output;
        lock.lock();
        try {
            cancelPendingRestart();
            toStop = process;
            output = forwarder;
            if (toStop == null || !toStop.isAlive()) {
                if (state != State.NEW) {
                    state = State.STOPPED;
                }
                changed.signalAll();
                return;
            }
            state = State.STOPPING;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        terminate(toStop, grace);
        output.awaitDrained(Duration.ofSeconds(2));
        lock.lock();
        try {
            state = State.STOPPED;
            lastExitCode = toStop.exitValue();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("stopped child: name={} pid={} code={}", spec.name(), toStop.pid(), lastExitCode);
    }

    /** Asked, then forced; descendants too, so nothing is orphaned. */
    static void terminate(Process target, Duration grace) {
        List<ProcessHandle> descendants = target.descendants().toList();
        try {
            OutputStream link = target.getOutputStream();
            link.write((ChildMain.STOP_COMMAND + "\n").getBytes(StandardCharsets.UTF_8));
            link.flush();
        } catch (IOException e) {
            // it is exiting already, or it closed its standard input: ask the OS instead
            target.destroy();
        }
        boolean exited = waitFor(target, grace);
        if (!exited) {
            LOG.warn("child did not exit within grace period: pid={} grace={}ms: destroying", target.pid(),
                    grace.toMillis());
            target.destroyForcibly();
            waitFor(target, Duration.ofSeconds(30));
        }
        for (ProcessHandle descendant : descendants) {
            if (descendant.isAlive()) {
                descendant.destroyForcibly();
            }
        }
    }

    private static boolean waitFor(Process target, Duration timeout) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return target.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the child, then starts it again; the restart limit does not apply. */
    public void restart() {
        stop();
        start();
    }

    /** Stops it on the scheduler: for a request the child made itself. */
    public void requestStop() {
        scheduler.execute(this::stop);
    }

    /** Restarts it on the scheduler: for a request the child made itself. */
    public void requestRestart() {
        scheduler.execute(() -> {
            lock.lock();
            try {
                restarts++;
            } finally {
                lock.unlock();
            }
            try {
                restart();
            } catch (RuntimeException e) {
                LOG.error("restart failed: name={}", spec.name(), e);
            }
        });
    }

    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    /**
     * Whether the child process is running now.
     *
     * @return {@code true} if alive
     */
    public boolean isAlive() {
        lock.lock();
        try {
            return process != null && process.isAlive();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lifecycle state.
     *
     * @return the state
     */
    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The current or last process id.
     *
     * @return the pid, or empty if never started
     */
    public OptionalLong pid() {
        lock.lock();
        try {
            return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Restarts made by the rule or at the child's request.
     *
     * @return the count
     */
    public int restarts() {
        lock.lock();
        try {
            return restarts;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Exit code of the last exit, if any.
     *
     * @return the code, or {@code null}
     */
    public Integer lastExitCode() {
        lock.lock();
        try {
            return lastExitCode;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the state is one of {@code wanted}.
     *
     * @param timeout how long
     * @param wanted acceptable states
     * @return {@code true} if reached in time
     * @throws InterruptedException if interrupted
     */
    public boolean awaitState(Duration timeout, State... wanted) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!List.of(wanted).contains(state)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
