package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tool's help and its exit status on wrong command lines, run as a separate process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliUsageTest {

    private static final List<String> COMMANDS =
            List.of("ls", "stat", "tail", "send", "recv", "close", "rm", "kv", "pub", "sub", "check", "salvage");

    @TempDir
    Path logs;

    @Test
    void toolHelpListsEveryCommand() {
        for (String flag : List.of("--help", "-h", "help")) {
            CliProcess.Result help = CliProcess.run(logs, flag);
            assertEquals(0, help.exit(), help.describe());
            assertTrue(help.out().startsWith("Usage: litecomm [--dir DIR | --url URI] [--json] COMMAND"), help.describe());
            for (String command : COMMANDS) {
                assertTrue(help.out().contains("\n  " + command + " "), command + " missing: " + help.describe());
            }
            assertTrue(help.out().contains("Exit status: 0 success; 1 failure"), help.describe());
        }
    }

    @Test
    void everyCommandHasHelp() {
        List<CliProcess> running = new ArrayList<>();
        try {
            for (String command : COMMANDS) {
                running.add(CliProcess.start(logs, Map.of(), command, "--help"));
            }
            for (int i = 0; i < COMMANDS.size(); i++) {
                CliProcess.Result help = running.get(i).awaitExit(CliProcess.EXIT_TIMEOUT);
                assertEquals(0, help.exit(), help.describe());
                assertTrue(help.out().startsWith("Usage: litecomm " + COMMANDS.get(i)), help.describe());
                assertTrue(help.out().contains("Exit status:"), help.describe());
                assertEquals("", help.err(), help.describe());
            }
        } finally {
            running.forEach(CliProcess::close);
        }
        CliProcess.Result viaHelp = CliProcess.run(logs, "help", "tail");
        assertEquals(0, viaHelp.exit(), viaHelp.describe());
        assertTrue(viaHelp.out().startsWith("Usage: litecomm tail CHANNEL"), viaHelp.describe());
    }

    @Test
    void wrongCommandLinesExitWithTwo() throws Exception {
        Path domain = Files.createDirectory(logs.resolve("domain"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        String dir = domain.toString();
        List<String[]> cases = List.of(
                new String[] {},
                new String[] {"frobnicate"},
                new String[] {"--dir", dir, "ls", "--bogus"},
                new String[] {"--verbose", "ls"},
                new String[] {"--dir", dir, "tail"},
                new String[] {"--dir", dir, "tail", "../escape"},
                new String[] {"--dir", dir, "stat", "--count", "zero"},
                new String[] {"--dir", dir, "recv", "jobs", "--timeout", "-5"},
                new String[] {"--dir", dir, "kv", "frob"},
                new String[] {"--dir", dir, "ls", "--dir"},
                new String[] {"--dir", dir, "send", "nonebot.control", "1"},
                new String[] {"--dir", dir, "recv", "a".repeat(201) + ".dead"});
        List<String> expected = List.of("no command given", "unknown command: frobnicate", "unknown option: --bogus",
                "unknown option before the command: --verbose", "missing CHANNEL", "invalid channel name: '../escape'",
                "option --count needs a whole number >= 1: got 'zero'", "option --timeout needs a whole number >= 0",
                "unknown action: frob", "option --dir needs a value", "reserved channel name: 'nonebot.control'",
                "invalid channel name: 'aaaa");
        List<CliProcess> running = new ArrayList<>();
        try {
            for (String[] args : cases) {
                running.add(CliProcess.start(logs, Map.of(), args));
            }
            for (int i = 0; i < cases.size(); i++) {
                CliProcess.Result result = running.get(i).awaitExit(CliProcess.EXIT_TIMEOUT);
                assertEquals(2, result.exit(), result.describe());
                assertTrue(result.err().contains(expected.get(i)), expected.get(i) + ": " + result.describe());
                assertTrue(result.err().contains("--help"), result.describe());
                assertEquals("", result.out(), result.describe());
            }
        } finally {
            running.forEach(CliProcess::close);
        }
    }

    @Test
    void aDeadLetterChannelOfALongestNameIsNoUsageError() throws Exception {
        Path domain = Files.createDirectory(logs.resolve("domain"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        String name = "a".repeat(200) + ".dead";
        CliProcess.Result result = CliProcess.run(logs, "--dir", domain.toString(), "recv", name, "--timeout", "0");
        assertEquals(1, result.exit(), result.describe());
        assertTrue(result.err().contains(name), result.describe());
    }
}
