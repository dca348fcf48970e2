package io.litecomm.bench.xproc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How much CPU other processes take while the suite measures: the machine's busy time from
 * {@code /proc/stat} less the CPU time of the suite's own processes. On a shared machine this says
 * which figures were taken while something else ran.
 */
final class Noise {

    /** {@code USER_HZ}: the unit of {@code /proc/stat}. */
    private static final double TICK_MS = 10.0;

    private Noise() {
    }

    /** Busy CPU time of the whole machine so far, in ms; -1 if unknown. */
    static double machineBusyMs() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = first.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * TICK_MS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of this process so far, in ms. */
    static double ownCpuMs() {
        return IdleBench.processCpuNanos() / 1e6;
    }

    /** CPU time of this process in ms as {@code ProcessHandle} sees it (for the line a child prints before it exits). */
    static long selfCpuMs() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis();
    }

    /**
     * Waits while other processes keep more than {@code threshold} CPUs busy, sampling 300 ms at a
     * time, at most {@code maxWaitMs}.
     *
     * @return the CPUs other processes used in the last sample
     */
    static double awaitQuiet(double threshold, long maxWaitMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000L;
        while (true) {
            double b0 = machineBusyMs();
            double o0 = ownCpuMs();
            long t0 = System.nanoTime();
            Thread.sleep(300);
            double others = (machineBusyMs() - b0 - (ownCpuMs() - o0)) / ((System.nanoTime() - t0) / 1e6);
            if (b0 < 0 || others <= threshold || System.nanoTime() >= deadline) {
                return Math.max(0, others);
            }
            Thread.sleep(700);
        }
    }
}
