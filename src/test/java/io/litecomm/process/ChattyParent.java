package io.litecomm.process;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.ProcessOptions;
import io.litecomm.ProcessOptions.Output;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A parent app for the output tests: one {@link ChattyChild} per output mode and a
 * {@link FailingChild}, each run to its end; then prints the failing child's exit code.
 */
public final class ChattyParent {

    private ChattyParent() {
    }

    public static void main(String[] args) {
        try (Comm comm = Comm.open(Path.of(args[0])); ProcessManager processes = new ProcessManager(comm)) {
            processes.add("logged", ChattyChild.class, ProcessOptions.builder().output(Output.LOG).build(), "logged");
            processes.add("inherited", ChattyChild.class, ProcessOptions.builder().output(Output.INHERIT).build(),
                    "inherited");
            processes.add("discarded", ChattyChild.class, ProcessOptions.builder().output(Output.DISCARD).build(),
                    "discarded");
            processes.add("failing", FailingChild.class);
            for (String name : processes.names()) {
                processes.start(name);
                ChildJvm.Await.until(() -> "EXITED".equals(processes.state(name)), Duration.ofSeconds(60),
                        () -> "child did not exit: " + name);
            }
            System.out.println("parent done: failing exit=" + processes.exitCode("failing").orElse(-1));
        }
    }
}
