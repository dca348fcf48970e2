package io.litecomm.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line and environment of a child: a pure function of its spec and the parent's JVM,
 * tested without forking.
 */
public final class ChildCommand {

    /** Environment variable: the domain directory. */
    public static final String ENV_DOMAIN = "LITECOMM_DOMAIN";
    /** The parent's domain as a URI, which {@code Comm.current()} reads first. */
    public static final String ENV_URL = "LITECOMM_URL";
    /** Environment variable: the child's name. */
    public static final String ENV_PROCESS_NAME = "LITECOMM_PROCESS_NAME";
    /** Environment variable: {@code false} to keep running when the parent dies. */
    public static final String ENV_EXIT_WITH_PARENT = "LITECOMM_EXIT_WITH_PARENT";
    /** Environment variable: the module of the child's main class, when it is in one. */
    public static final String ENV_MODULE = "LITECOMM_CHILD_MODULE";
    /** Environment variable: {@code own} to keep the child's own SLF4J provider instead of forwarding records. */
    public static final String ENV_LOGGING = "LITECOMM_CHILD_LOGGING";
    /** Environment variable: the most verbose level the child forwards (TRACE to ERROR). */
    public static final String ENV_LOG_LEVEL = "LITECOMM_CHILD_LOG_LEVEL";

    private ChildCommand() {
    }

    /**
     * The command: {@code java <jvmArgs> <launch's boot arguments> <mainClass> <args>}, for example
     * {@code java -Xmx64m -cp <classPath> io.litecomm.process.ChildMain com.example.Bot a b}.
     *
     * @param javaExecutable the parent's {@code java}
     * @param spec the child
     * @return the command line
     */
    public static List<String> command(Path javaExecutable, ChildSpec spec) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(spec.jvmArgs());
        command.addAll(spec.launch().bootArgs());
        command.add(spec.mainClass());
        command.addAll(spec.args());
        return command;
    }

    /**
     * The variables added to the child's environment.
     *
     * @param domain the domain directory
     * @param spec the child
     * @return the variables, the spec's own first and litecomm's over them
     */
    public static Map<String, String> environment(Path domain, ChildSpec spec) {
        return environment(Map.of(ENV_DOMAIN, domain.toString(), ENV_URL, domain.toUri().toString()), spec);
    }

    /**
     * The variables added to the child's environment.
     *
     * @param domainEnvironment what the child needs to open the parent's domain, as its transport says
     * @param spec the child
     * @return the variables, the spec's own first and litecomm's over them
     */
    public static Map<String, String> environment(Map<String, String> domainEnvironment, ChildSpec spec) {
        Map<String, String> env = new TreeMap<>(spec.environment());
        env.putAll(spec.launch().environment());
        if (spec.ownLogging()) {
            env.put(ENV_LOGGING, "own");
        }
        env.putAll(domainEnvironment);
        env.put(ENV_PROCESS_NAME, spec.name());
        env.put(ENV_EXIT_WITH_PARENT, Boolean.toString(spec.exitWithParent()));
        return env;
    }

    /**
     * The {@code java} executable of this JVM.
     *
     * @return its path
     */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
