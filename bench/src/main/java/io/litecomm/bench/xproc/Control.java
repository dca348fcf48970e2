package io.litecomm.bench.xproc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child's link to the orchestrator: {@code READY} and {@code RESULT} lines on standard output,
 * {@code GO} on standard input, and two guards: the process halts at its deadline, and at once when
 * its standard input closes (the orchestrator died).
 */
final class Control {

    /** The protocol stream (standard output). */
    static final PrintStream OUT = System.out;
    private static final CountDownLatch GO = new CountDownLatch(1);
    private static final AtomicBoolean READY = new AtomicBoolean();

    private Control() {
    }

    static void start(long deadlineMs) {
        Thread stdin = new Thread(Control::readStdin, "bench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(deadlineMs);
            } catch (InterruptedException e) {
                return;
            }
            line("RESULT error=child_deadline_" + deadlineMs + "ms_passed");
            Runtime.getRuntime().halt(3);
        }, "bench-deadline");
        guard.setDaemon(true);
        guard.start();
    }

    private static void readStdin() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("GO")) {
                    GO.countDown();
                }
            }
        } catch (java.io.IOException e) {
            // treated as end of input
        }
        Runtime.getRuntime().halt(4);
    }

    /** Announces that the other side may start (once; later calls do nothing). */
    static void ready(String extra) {
        if (READY.compareAndSet(false, true)) {
            line("READY " + extra);
        }
    }

    /** Waits for the orchestrator's {@code GO}. */
    static void awaitGo() throws InterruptedException {
        if (!GO.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no GO from the orchestrator");
        }
    }

    static void result(Map<String, ?> values) {
        StringBuilder sb = new StringBuilder("RESULT");
        values.forEach((k, v) -> sb.append(' ').append(k).append('=').append(Params.word(v)));
        line(sb.toString());
    }

    static synchronized void line(String s) {
        OUT.println(s);
        OUT.flush();
    }
}
