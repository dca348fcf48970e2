package io.litecomm.process;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import java.nio.file.Path;
import java.time.Duration;

/** A user app run by {@link IsolatedLauncher} in its own class loader, as {@code mvn exec:java} runs one. */
public final class LoaderApp {

    private LoaderApp() {
    }

    public static void main(String[] args) {
        try (Comm comm = Comm.open(Path.of(args[0])); ProcessManager processes = new ProcessManager(comm)) {
            processes.add("loaded", ReplyChild.class);
            processes.startAll();
            String reply = comm.channel("loaded-replies", String.class).receive(Duration.ofSeconds(60)).orElse("nothing");
            System.out.println("app got: " + reply + " loader=" + LoaderApp.class.getClassLoader().getClass().getSimpleName());
        }
    }
}
