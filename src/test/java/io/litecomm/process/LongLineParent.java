package io.litecomm.process;

import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.testing.ChildJvm;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;

/** A parent (run with a small heap) whose {@link LongLineChild} writes one huge line; prints figures at the end. */
public final class LongLineParent {

    private LongLineParent() {
    }

    public static void main(String[] args) {
        try (Comm comm = Comm.open(Path.of(args[0])); ProcessManager processes = new ProcessManager(comm)) {
            processes.add("long", LongLineChild.class, args[1]);
            long start = System.nanoTime();
            processes.start("long");
            ChildJvm.Await.until(() -> "EXITED".equals(processes.state("long")), Duration.ofSeconds(100),
                    () -> "the long-line child did not exit");
            long millis = (System.nanoTime() - start) / 1_000_000;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("parent survived: exit=" + processes.exitCode("long").orElse(-1) + " millis=" + millis
                    + " peakHeapMiB=" + peak / (1 << 20) + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
        }
    }
}
