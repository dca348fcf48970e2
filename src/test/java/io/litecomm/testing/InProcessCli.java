package io.litecomm.testing;

import io.litecomm.cli.LitecommCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the {@code litecomm} tool inside the test's JVM on one domain and keeps what it printed. */
public final class InProcessCli {

    private InProcessCli() {
    }

    /**
     * Runs {@code litecomm --dir DOMAIN ARGS...}.
     *
     * @return the exit status, standard output and standard error, in that order
     */
    public static String[] run(Path domain, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int exit = LitecommCli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
