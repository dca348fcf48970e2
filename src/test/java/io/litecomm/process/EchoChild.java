package io.litecomm.process;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A managed child for the process tests: echoes its active channel to {@code <name>-replies},
 * logs its passive channel, and obeys commands (crash, halt, restart-me, stop-me).
 */
public final class EchoChild {

    private static final Logger LOG = LoggerFactory.getLogger(EchoChild.class);

    private EchoChild() {
    }

    public static void main(String[] args) {
        String name = Comm.processName().orElseThrow();
        Channel<String> replies = Comm.current().channel(name + "-replies", String.class);
        Comm.passiveChannel(String.class).onReceive(s -> s.startsWith("log:"),
                s -> LOG.info("passive got {}", s.substring(4)));
        replies.send("ready " + ProcessHandle.current().pid());
        for (String message : Comm.activeChannel(String.class)) {
            switch (message) {
                case "crash" -> System.exit(3);
                case "halt" -> Runtime.getRuntime().halt(7);
                case "restart-me" -> ProcessManager.requestRestart();
                case "stop-me" -> ProcessManager.requestStop();
                case "exit" -> System.exit(0);
                default -> replies.send("echo " + message);
            }
        }
    }
}
