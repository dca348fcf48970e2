package io.litecomm.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The bootstrap that runs first in a managed child. In order: unless the child's own logging was
 * asked for, selects {@link ChildLogProvider} (SLF4J records framed to the parent, no SLF4J
 * warnings of its own); routes {@code java.util.logging} to SLF4J; loads and checks the child's
 * main class (on failure: a one-line reason on standard error and exit code {@value #START_FAILED_EXIT});
 * takes over standard input as the link to the parent; tells the parent it is up (a
 * {@link LogFrames} {@code READY} frame); then runs the child's main.
 *
 * <p>On the link, the line {@value #STOP_COMMAND} is the parent's normal stop: the child logs
 * "stop requested by the parent", runs its shutdown hooks and exits with {@value #STOPPED_EXIT}. End of
 * file there means the parent died: the child exits with {@value #PARENT_GONE_EXIT} unless
 * configured otherwise. A child whose main throws logs the throwable at ERROR and exits with
 * {@value #MAIN_FAILED_EXIT}; an uncaught exception in another thread is logged at ERROR.
 *
 * <p>Usage (built by {@link ChildCommand}): {@code java ... io.litecomm.process.ChildMain
 * <mainClass> [args...]}.
 */
public final class ChildMain {

    /** Exit code of a child stopped by its parent. */
    public static final int STOPPED_EXIT = 0;
    /** Exit code of a child whose parent died. */
    public static final int PARENT_GONE_EXIT = 0;
    /** Exit code of a child whose main class could not be loaded or has no usable main. */
    public static final int START_FAILED_EXIT = 2;
    /** Exit code of a child whose main method threw. */
    public static final int MAIN_FAILED_EXIT = 1;
    /** What the parent writes on the child's standard input to stop it. */
    public static final String STOP_COMMAND = "litecomm:stop";
    /** Printed first on standard error by a child that cannot start. */
    public static final String START_FAILED = "litecomm child cannot start: ";

    private ChildMain() {
    }

    /**
     * Boots the child and runs its main class.
     *
     * @param args the child's main class, then its arguments
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            ChildLogProvider.Link.write(START_FAILED + "usage: ChildMain <mainClass> [args...]");
            System.exit(START_FAILED_EXIT);
        }
        selectLogging();
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Method main;
        try {
            main = mainMethod(args[0], System.getenv(ChildCommand.ENV_MODULE));
        } catch (IllegalArgumentException e) {
            ChildLogProvider.Link.write(START_FAILED + e.getMessage());
            System.exit(START_FAILED_EXIT);
            return;
        }
        InputStream parentLink = System.in;
        System.setIn(InputStream.nullInputStream());
        watchParent(parentLink, !"false".equalsIgnoreCase(System.getenv(ChildCommand.ENV_EXIT_WITH_PARENT)));
        if (Thread.getDefaultUncaughtExceptionHandler() == null) {
            // a thread's stack trace reaches the parent as one ERROR record, not as loose stderr lines
            Thread.setDefaultUncaughtExceptionHandler((thread, thrown) ->
                    log().error("uncaught exception in thread {}", thread.getName(), thrown));
        }
        ChildLogProvider.Link.write(LogFrames.ready(ProcessHandle.current().pid()));
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            failed(args[0], e.getCause());
        } catch (IllegalAccessException | RuntimeException | Error e) {
            failed(args[0], e);
        }
    }

    private static void failed(String mainClass, Throwable thrown) {
        log().error("child main failed: name={} mainClass={}", System.getenv(ChildCommand.ENV_PROCESS_NAME), mainClass,
                thrown);
        System.exit(MAIN_FAILED_EXIT);
    }

    private static Logger log() {
        return LoggerFactory.getLogger(ChildMain.class);
    }

    /** Must run before anything touches SLF4J. */
    private static void selectLogging() {
        if ("own".equalsIgnoreCase(System.getenv(ChildCommand.ENV_LOGGING)) || System.getProperty("slf4j.provider") != null) {
            return;
        }
        System.setProperty("slf4j.provider", ChildLogProvider.class.getName());
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            // SLF4J reports the explicit provider at INFO: keep that out of the child's output
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
    }

    /**
     * Finds a child's {@code public static void main(String[])}.
     *
     * @param className the class's binary name
     * @param module its module in the boot layer, or {@code null} for the class path
     * @return the method
     * @throws IllegalArgumentException saying what is wrong
     */
    static Method mainMethod(String className, String module) {
        Class<?> type;
        try {
            if (module == null || module.isEmpty()) {
                type = Class.forName(className, false, ChildMain.class.getClassLoader());
            } else {
                Module named = ModuleLayer.boot().findModule(module).orElseThrow(() -> new IllegalArgumentException(
                        "no such module in the child: module=" + module + " mainClass=" + className));
                type = Class.forName(named, className);
                if (type == null) {
                    throw new ClassNotFoundException(className);
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("cannot load the main class: mainClass=" + className + " cause=" + e, e);
        }
        return checkedMain(type);
    }

    /**
     * The main method of a class that may be a child's.
     *
     * @param type the class
     * @return its {@code public static void main(String[])}
     * @throws IllegalArgumentException if it is not public or has no such method
     */
    public static Method checkedMain(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("child main class is not public: mainClass=" + type.getName());
        }
        Method main;
        try {
            main = type.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("child main class has no public static void main(String[]): mainClass="
                    + type.getName(), e);
        }
        if (!Modifier.isStatic(main.getModifiers()) || main.getReturnType() != void.class) {
            throw new IllegalArgumentException("child main method is not static void: mainClass=" + type.getName());
        }
        return main;
    }

    /** Reads the parent's commands; end of file means the OS closed the pipe because the parent died. */
    private static void watchParent(InputStream parentLink, boolean exitWithParent) {
        Thread watch = new Thread(() -> {
            try (BufferedReader commands = new BufferedReader(new InputStreamReader(parentLink, StandardCharsets.UTF_8))) {
                String line;
                while ((line = commands.readLine()) != null) {
                    if (STOP_COMMAND.equals(line.trim())) {
                        log().info("stop requested by the parent: exiting (name={})",
                                System.getenv(ChildCommand.ENV_PROCESS_NAME));
                        System.exit(STOPPED_EXIT);
                    }
                }
            } catch (IOException e) {
                log().debug("parent link failed: {}", e.toString());
            }
            if (exitWithParent) {
                log().info("parent process is gone: exiting (name={})", System.getenv(ChildCommand.ENV_PROCESS_NAME));
                haltLater();
                System.exit(PARENT_GONE_EXIT);
            }
        }, "litecomm-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** If shutdown hooks hang, the child must still go: no orphans. */
    private static void haltLater() {
        Thread halt = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(PARENT_GONE_EXIT);
        }, "litecomm-parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
    }
}
