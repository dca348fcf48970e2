package io.litecomm.cli;

import io.litecomm.CommException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code litecomm} command-line tool: {@code ls}, {@code stat}, {@code tail}, {@code send},
 * {@code recv}, {@code close}, {@code rm}, {@code kv}, {@code pub}, {@code sub}, {@code check} and
 * {@code salvage} on a domain: a directory of mapped files ({@code --dir}), or a URI of another
 * transport ({@code --url redis://host:port/NAME}), where the commands that read the files
 * ({@code tail}, {@code check}, {@code salvage}) say they need a {@code file:} domain.
 * {@code litecomm --help} lists them; {@code litecomm COMMAND --help} explains one. Exit status:
 * {@value #OK} success, {@value #FAILURE} failure, {@value #USAGE} usage error; standard output
 * closed by its reader ({@code litecomm kv ls | head -1}) ends a command quietly with {@value #OK}.
 *
 * <pre>
 * litecomm --dir /dev/shm/my-app ls
 * litecomm --url redis://localhost:6379/my-app ls
 * litecomm tail jobs --count 10
 * litecomm send jobs '{"id": 1}'
 * litecomm kv set retries 3
 * litecomm check --json
 * </pre>
 */
public final class LitecommCli {

    /** Exit status of a command that did its job. */
    public static final int OK = 0;
    /** Exit status of a command that failed: not found, timed out, corrupt file, refused. */
    public static final int FAILURE = 1;
    /** Exit status of a wrong command line. */
    public static final int USAGE = 2;

    private static final Set<String> GLOBAL_VALUES = Set.of("--dir", "--url");
    private static final Set<String> GLOBAL_FLAGS = Set.of("--json", "--help");
    private static final Map<String, Command> COMMANDS = commands();

    private LitecommCli() {
    }

    private static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        for (Command command : List.of(new LsCommand(), new StatCommand(), new TailCommand(), new SendCommand(),
                new RecvCommand(), new CloseCommand(false), new CloseCommand(true), new KvCommand(),
                new PubCommand(), new SubCommand(), new CheckCommand(), new SalvageCommand())) {
            commands.put(command.name(), command);
        }
        return commands;
    }

    /**
     * Runs the tool and exits the JVM with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            // without an SLF4J binding on the class path, say nothing about it on every run
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.exit(run(args, out, err, System.console() != null));
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     * @param out where results go
     * @param err where errors and notes go
     * @return the exit status: {@link #OK}, {@link #FAILURE} or {@link #USAGE}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        List<String> tokens = List.of(args);
        String name = "litecomm";
        URI url = null;
        try {
            int index = commandIndex(tokens);
            if (index < 0) {
                Args global = Args.parse(tokens, GLOBAL_VALUES, GLOBAL_FLAGS);
                if (global.flag("--help")) {
                    out.print(toolHelp());
                    return OK;
                }
                throw new UsageException("no command given");
            }
            name = tokens.get(index);
            List<String> rest = new ArrayList<>(tokens);
            rest.remove(index);
            if (name.equals("help")) {
                name = "litecomm";
                return help(rest, out);
            }
            Command command = COMMANDS.get(name);
            if (command == null) {
                String unknown = name;
                name = "litecomm";
                throw new UsageException("unknown command: " + unknown);
            }
            Args parsed = Args.parse(rest, union(GLOBAL_VALUES, command.valueOptions()), union(GLOBAL_FLAGS, command.flags()));
            if (parsed.flag("--help")) {
                out.print(command.help());
                return OK;
            }
            Domains.Target target = Domains.target(parsed.value("--dir"), parsed.value("--url"), System.getenv());
            url = target.uri();
            return command.execute(new Invocation(name, parsed, out, err, terminal, target));
        } catch (UsageException e) {
            String prefix = name.equals("litecomm") ? "litecomm: " : "litecomm: " + name + ": ";
            err.println(prefix + Domains.scrub(e.getMessage(), url));
            err.println(name.equals("litecomm") ? "Try 'litecomm --help'." : "Try 'litecomm " + name + " --help'.");
            return USAGE;
        } catch (Invocation.OutputClosed e) {
            // the reader went away (litecomm kv ls | head): not a failure, as for any Unix filter
            return OK;
        } catch (Failure | CommException e) {
            err.println("litecomm: " + name + ": " + Domains.scrub(e.getMessage(), url));
            return FAILURE;
        } catch (Exception e) {
            err.println("litecomm: " + name + ": " + Domains.scrub(e.toString(), url));
            return FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Index of the command name: the first token that is not a global option or its value; -1 if none. */
    private static int commandIndex(List<String> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (GLOBAL_VALUES.contains(token)) {
                i++;
            } else if (token.startsWith("--dir=") || token.startsWith("--url=") || GLOBAL_FLAGS.contains(token)
                    || token.equals("-h")) {
                continue;
            } else if (Args.isOption(token)) {
                throw new UsageException("unknown option before the command: " + token);
            } else {
                return i;
            }
        }
        return -1;
    }

    private static int help(List<String> rest, PrintStream out) {
        Args args = Args.parse(rest, GLOBAL_VALUES, GLOBAL_FLAGS);
        args.noMoreThan(1);
        if (args.positionals().isEmpty()) {
            out.print(toolHelp());
            return OK;
        }
        Command command = COMMANDS.get(args.positionals().get(0));
        if (command == null) {
            throw new UsageException("unknown command: " + args.positionals().get(0));
        }
        out.print(command.help());
        return OK;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    static String toolHelp() {
        StringBuilder text = new StringBuilder();
        text.append("Usage: litecomm [--dir DIR | --url URI] [--json] COMMAND [ARGS...]\n\n");
        text.append("Inspects and uses a litecomm domain (channels and shared memory) from the shell.\n\n");
        text.append("Commands:\n");
        for (Command command : COMMANDS.values()) {
            text.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        text.append(String.format("  %-8s %s%n", "help", "help on the tool, or on one command: litecomm help COMMAND"));
        text.append("""

                Options of every command:
                  --dir DIR   the domain directory
                  --url URI   the domain as a URI: file:///dev/shm/my-app, redis://host:6379/NAME,
                              rediss://user:password@host:6380/NAME (TLS); mem: is refused (it lives in
                              one JVM). Default of both: $LITECOMM_URL, else $LITECOMM_DIR, else
                              /dev/shm/litecomm-$USER, else $TMPDIR/litecomm-$USER (here: %s)
                  --json      machine-readable output: one JSON document per line
                  -h, --help  this help; 'litecomm COMMAND --help' explains a command

                Inspecting commands (ls, stat, tail, check) map files read-only and never change them.
                On a redis:// domain every command goes through the public API: ls and stat show
                what it gives (type, messages waiting, closed), and tail, check and salvage, which
                read mapped files, say that they need a file: domain.

                Exit status: 0 success; 1 failure (no such domain, channel or key, timed out,
                corrupt file); 2 usage error. A reader that goes away (litecomm kv ls | head -1)
                is no failure: the command stops at its next line of output and exits with 0.
                """.formatted(Domains.describeDefault()));
        return text.toString();
    }
}
