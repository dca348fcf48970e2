package io.litecomm.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A managed child that writes every kind of output once: stdout, stderr, SLF4J, JUL, a last line without newline. */
public final class ChattyChild {

    private static final Logger LOG = LoggerFactory.getLogger(ChattyChild.class);

    private ChattyChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        String tag = args[0];
        System.out.println("stdout line of " + tag);
        System.err.println("stderr line of " + tag);
        LOG.info("info record of {}", tag);
        LOG.warn("warn record of {}", tag);
        LOG.debug("debug record of {}", tag);
        java.util.logging.Logger.getLogger("jul.demo").warning("jul record of " + tag);
        Thread worker = new Thread(() -> {
            throw new IllegalStateException("worker failed in " + tag);
        }, "chatty-worker");
        worker.start();
        worker.join();
        System.out.print("no newline at exit of " + tag);
        System.out.flush();
    }
}
