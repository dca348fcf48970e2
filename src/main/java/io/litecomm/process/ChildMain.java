package io.litecomm.process;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The bootstrap that runs first in a managed child: routes {@code java.util.logging} to SLF4J,
 * takes over standard input as the link to the parent (end of file there means the parent died,
 * and the child exits unless configured otherwise), then runs the child's own main class.
 *
 * <p>Usage (built by {@link ChildCommand}): {@code java -cp ... io.litecomm.process.ChildMain
 * <mainClass> [args...]}.
 */
public final class ChildMain {

    private static final Logger LOG = LoggerFactory.getLogger(ChildMain.class);
    /** Exit code of a child whose parent died. */
    public static final int PARENT_GONE_EXIT = 0;

    private ChildMain() {
    }

    /**
     * Boots the child and runs its main class.
     *
     * @param args the child's main class, then its arguments
     * @throws Throwable whatever the child's main throws
     */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ChildMain <mainClass> [args...]");
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        InputStream parentLink = System.in;
        System.setIn(InputStream.nullInputStream());
        if (!"false".equalsIgnoreCase(System.getenv(ChildCommand.ENV_EXIT_WITH_PARENT))) {
            watchParent(parentLink);
        }
        Class<?> mainClass = Class.forName(args[0], true, Thread.currentThread().getContextClassLoader());
        MethodHandle main = MethodHandles.publicLookup()
                .findStatic(mainClass, "main", MethodType.methodType(void.class, String[].class));
        main.invoke((Object) Arrays.copyOfRange(args, 1, args.length));
    }

    /** Exits when the parent's end of standard input closes: the OS closes it when the parent dies. */
    private static void watchParent(InputStream parentLink) {
        Thread watch = new Thread(() -> {
            try {
                byte[] buffer = new byte[256];
                while (parentLink.read(buffer) >= 0) {
                    // the parent writes nothing; anything it does write is ignored
                }
            } catch (IOException e) {
                LOG.debug("parent link failed: {}", e.toString());
            }
            LOG.info("parent process is gone: exiting (name={})", System.getenv(ChildCommand.ENV_PROCESS_NAME));
            haltLater();
            System.exit(PARENT_GONE_EXIT);
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
