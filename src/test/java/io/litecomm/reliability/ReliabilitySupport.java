package io.litecomm.reliability;

import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Parent-side helpers of the reliability suite: short and long forms, signals, resource counts
 * and groups of child JVMs that are always destroyed.
 *
 * <p>Every test runs its short form by default. {@code -Dlitecomm.reliability.long=true} selects
 * the long form of all of them; each test also reads its own counts from system properties (named
 * in its Javadoc), which win over both forms.
 */
final class ReliabilitySupport {

    /** The system property that selects the long form of every reliability test. */
    static final String LONG = "litecomm.reliability.long";

    private ReliabilitySupport() {
    }

    /**
     * Whether the long form was selected.
     *
     * @return {@code true} with {@code -Dlitecomm.reliability.long=true}
     */
    static boolean longForm() {
        return Boolean.getBoolean(LONG);
    }

    /**
     * A count of the short or long form, overridable by a system property.
     *
     * @param property the property naming the count
     * @param shortForm the default of the short form
     * @param longForm the default of the long form
     * @return the count
     */
    static int count(String property, int shortForm, int longForm) {
        return Integer.getInteger(property, longForm() ? longForm : shortForm);
    }

    /**
     * Sends a signal with {@code kill}, as {@code ProcessHandle} has no stop or continue.
     *
     * @param pid the process
     * @param signal the signal name, e.g. {@code STOP}
     */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new AssertionError("kill -" + signal + " " + pid + " did not finish");
            }
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The state letter of a process in {@code /proc/<pid>/stat} ({@code T} when stopped).
     *
     * @param pid the process
     * @return the state, or {@code '?'} if the process is gone
     */
    static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    /**
     * Sends a line to a child's standard input.
     *
     * @param child the child
     * @param line the line, without its newline
     */
    static void tell(ChildJvm child, String line) {
        try {
            OutputStream in = child.process().getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot write to the child: " + e + "\n" + child.output(), e);
        }
    }

    /**
     * The last line of a child's output that starts with {@code prefix}, without the prefix.
     *
     * @param child the child
     * @param prefix what the line starts with
     * @return the rest of the line
     */
    static String lineAfter(ChildJvm child, String prefix) {
        return lineAfterText(child.output(), prefix);
    }

    /**
     * The last line of a text that starts with {@code prefix}, without the prefix.
     *
     * @param output the text
     * @param prefix what the line starts with
     * @return the rest of the line
     */
    static String lineAfterText(String output, String prefix) {
        String found = null;
        for (String line : output.split("\n")) {
            if (line.startsWith(prefix)) {
                found = line.substring(prefix.length()).trim();
            }
        }
        if (found == null) {
            throw new AssertionError("no line starting with " + prefix + " in\n" + output);
        }
        return found;
    }

    /**
     * Open file descriptors of this JVM.
     *
     * @return the count of {@code /proc/self/fd}
     */
    static int openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where this JVM's descriptors point, for failure messages.
     *
     * @return descriptor targets
     */
    static String fileDescriptorTargets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return fd.getFileName() + " -> " + Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd.getFileName() + " -> ?";
                }
            }).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Live threads of this JVM.
     *
     * @return the count
     */
    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /**
     * Names of the live threads, for failure messages.
     *
     * @return sorted names
     */
    static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted()
                .collect(Collectors.joining(", "));
    }

    /**
     * Lines of a process's {@code /proc/<pid>/maps} that contain {@code needle}.
     *
     * @param pid the process, or {@code "self"}
     * @param needle what to look for, e.g. a domain directory
     * @return the matching lines
     */
    static List<String> mappings(String pid, String needle) {
        try {
            return Files.readAllLines(Path.of("/proc", pid, "maps")).stream().filter(l -> l.contains(needle)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Whether a thread is now running code of a given class and method (a blocked call shows there).
     *
     * @param thread the thread
     * @param className simple or full class name
     * @param method method name
     * @return {@code true} if a frame matches
     */
    static boolean inFrame(Thread thread, String className, String method) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().endsWith(className)
                && f.getMethodName().equals(method));
    }

    /**
     * Waits until a thread shows a frame, failing with its stack otherwise.
     *
     * @param thread the thread
     * @param className class name suffix
     * @param method method name
     */
    static void awaitFrame(Thread thread, String className, String method) {
        Await.until(() -> inFrame(thread, className, method), Duration.ofSeconds(30), () -> "thread " + thread.getName()
                + " never reached " + className + "." + method + ": " + Arrays.toString(thread.getStackTrace()));
    }

    /** Child JVMs started together and destroyed together, however the test ends. */
    static final class Group implements AutoCloseable {
        private final Path logDir;
        private final List<ChildJvm> children = new ArrayList<>();

        Group(Path logDir) {
            this.logDir = logDir;
        }

        ChildJvm start(Class<?> main, String... args) {
            return start(Map.of(), main, args);
        }

        ChildJvm start(Map<String, String> env, Class<?> main, String... args) {
            ChildJvm child = ChildJvm.start(logDir, env, main, args);
            synchronized (children) {
                children.add(child);
            }
            return child;
        }

        /** Fails with every child's output if one of them exited with a failure. */
        void checkNoneFailed() {
            synchronized (children) {
                for (ChildJvm child : children) {
                    Process p = child.process();
                    if (!p.isAlive() && p.exitValue() != 0 && p.exitValue() != 137) {
                        throw new AssertionError("child " + p.pid() + " failed with " + p.exitValue() + "\n" + child.output());
                    }
                }
            }
        }

        String outputs() {
            synchronized (children) {
                return children.stream().map(c -> "--- child " + c.process().pid() + " ---\n" + c.output())
                        .collect(Collectors.joining("\n"));
            }
        }

        @Override
        public void close() {
            List<ChildJvm> all;
            synchronized (children) {
                all = new ArrayList<>(children);
            }
            for (ChildJvm child : all) {
                child.close();
            }
        }
    }
}
