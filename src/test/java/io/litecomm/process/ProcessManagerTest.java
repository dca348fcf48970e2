package io.litecomm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.ProcessManager;
import io.litecomm.ProcessOptions;
import io.litecomm.ProcessOptions.RestartPolicy;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ProcessManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Comm comm;
    private ProcessManager processes;

    @BeforeEach
    void open() {
        comm = Comm.open(dir.resolve("domain"));
    }

    @AfterEach
    void close() {
        List<Long> pids = new ArrayList<>();
        if (processes != null) {
            for (String name : processes.names()) {
                processes.pid(name).ifPresent(pids::add);
            }
            processes.close();
        }
        comm.close();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child survived: pid=" + pid);
        }
    }

    private ProcessManager manager(ProcessOptions options) {
        processes = new ProcessManager(comm, options);
        return processes;
    }

    private long awaitReady(Channel<String> replies) {
        String ready = replies.receive(WAIT).orElseThrow(() -> new AssertionError("child never became ready"));
        assertTrue(ready.startsWith("ready "), ready);
        return Long.parseLong(ready.substring(6));
    }

    @Test
    void childTalksBothWaysOverItsChannels() {
        ProcessManager pm = manager(ProcessOptions.defaults());
        pm.add("echo", EchoChild.class);
        assertEquals(List.of("echo"), pm.names());
        assertTrue(comm.getChannels().keySet().containsAll(List.of("echo-active", "echo-passive")));
        Channel<String> replies = comm.channel("echo-replies", String.class);
        pm.startAll();
        long pid = awaitReady(replies);
        assertEquals(pm.pid("echo").getAsLong(), pid);
        assertTrue(pm.isAlive("echo"));
        Channel<String> active = comm.channel("echo-active", String.class);
        for (int i = 0; i < 100; i++) {
            active.send("m" + i);
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.of("echo m" + i), replies.receive(WAIT));
        }
        pm.stop("echo");
        assertFalse(pm.isAlive("echo"));
        assertEquals("STOPPED", pm.state("echo"));
        assertEquals(ChildMain.STOPPED_EXIT, pm.exitCode("echo").getAsInt(), "a normal stop is a clean exit");
    }

    @Test
    void stopDestroysAChildThatIgnoresTheGracefulRequest() {
        ProcessManager pm = manager(ProcessOptions.builder().stopGracePeriod(Duration.ofMillis(500)).build());
        pm.add("stubborn", StubbornChild.class);
        Channel<String> replies = comm.channel("stubborn-replies", String.class);
        pm.start("stubborn");
        long pid = awaitReady(replies);
        long start = System.nanoTime();
        pm.stop("stubborn");
        assertFalse(pm.isAlive("stubborn"));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(500).toNanos(), "stop returned before the grace period");
        assertEquals(137, pm.exitCode("stubborn").getAsInt(), "killed after the grace period");
    }

    @Test
    void childAsksToRestartThenToStop() throws InterruptedException {
        ProcessManager pm = manager(ProcessOptions.defaults());
        pm.add("echo", EchoChild.class);
        Channel<String> replies = comm.channel("echo-replies", String.class);
        Channel<String> active = comm.channel("echo-active", String.class);
        pm.start("echo");
        long first = awaitReady(replies);
        active.send("restart-me");
        long second = awaitReady(replies);
        assertNotEquals(first, second);
        assertEquals(1, pm.restartCount("echo"));
        active.send("stop-me");
        ChildJvm.Await.until(() -> "STOPPED".equals(pm.state("echo")), WAIT, () -> "state=" + pm.state("echo"));
        assertFalse(pm.isAlive("echo"));
    }

    @Test
    void onFailureRestartsAfterExitAndHalt() {
        ProcessManager pm = manager(ProcessOptions.builder().restartPolicy(RestartPolicy.ON_FAILURE)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build());
        pm.add("echo", EchoChild.class);
        Channel<String> replies = comm.channel("echo-replies", String.class);
        Channel<String> active = comm.channel("echo-active", String.class);
        pm.start("echo");
        long first = awaitReady(replies);
        active.send("crash");
        long second = awaitReady(replies);
        active.send("halt");
        long third = awaitReady(replies);
        assertEquals(3, List.of(first, second, third).stream().distinct().count());
        assertEquals(2, pm.restartCount("echo"));
        active.send("exit");
        ChildJvm.Await.until(() -> "EXITED".equals(pm.state("echo")), WAIT, () -> "state=" + pm.state("echo"));
    }

    @Test
    void givesUpWhenTheRestartLimitIsReached() {
        ProcessManager pm = manager(ProcessOptions.builder().restartPolicy(RestartPolicy.ALWAYS)
                .backoff(Duration.ZERO, Duration.ZERO).maxRestartsPerMinute(2).build());
        pm.add("echo", EchoChild.class);
        Channel<String> replies = comm.channel("echo-replies", String.class);
        Channel<String> active = comm.channel("echo-active", String.class);
        pm.start("echo");
        for (int run = 0; run < 3; run++) {
            awaitReady(replies);
            active.send("exit");
        }
        ChildJvm.Await.until(() -> "FAILED".equals(pm.state("echo")), WAIT, () -> "state=" + pm.state("echo"));
        assertEquals(2, pm.restartCount("echo"));
        assertFalse(pm.isAlive("echo"));
    }

    @Test
    void unknownChildAndOutsideAManagedChild() {
        ProcessManager pm = manager(ProcessOptions.defaults());
        assertThrows(IllegalArgumentException.class, () -> pm.start("nobody"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Comm.activeChannel(String.class));
        assertTrue(e.getMessage().contains("not a child started by ProcessManager"), e.getMessage());
        assertThrows(IllegalStateException.class, ProcessManager::requestRestart);
        pm.add("twice", EchoChild.class);
        assertThrows(IllegalArgumentException.class, () -> pm.add("twice", EchoChild.class));
    }

    @Test
    void childrenExitWhenTheParentIsKilledAndTheirLogsReachTheParent() {
        Pattern childLine = Pattern.compile("child kid(\\d) ready (\\d+)");
        List<ProcessHandle> kids = new ArrayList<>();
        try (ChildJvm parent = ChildJvm.start(dir.resolve("logs"), ParentMain.class, dir.resolve("p").toString(), "3")) {
            parent.awaitOutput("parent ready", WAIT);
            parent.awaitOutput("passive got hello from the parent", WAIT);
            assertTrue(Pattern.compile("(?m)^.*INFO litecomm\\.process\\.kid0\\.io\\.litecomm\\.process\\.EchoChild - "
                    + "passive got hello from the parent$")
                    .matcher(parent.output()).find(), "child log line not under the child's logger: " + parent.output());
            Matcher m = childLine.matcher(parent.output());
            while (m.find()) {
                ProcessHandle.of(Long.parseLong(m.group(2))).ifPresent(kids::add);
            }
            assertEquals(3, kids.size(), parent.output());
            parent.process().destroyForcibly();
            parent.awaitExit(WAIT);
            long killed = System.nanoTime();
            for (ProcessHandle kid : kids) {
                ChildJvm.Await.until(() -> !kid.isAlive(), Duration.ofSeconds(5),
                        () -> "child outlived its parent by 5 s: pid=" + kid.pid());
            }
            assertTrue(System.nanoTime() - killed < Duration.ofSeconds(5).toNanos());
        } finally {
            kids.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
