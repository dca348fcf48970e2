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
    /** Environment variable: the child's name. */
    public static final String ENV_PROCESS_NAME = "LITECOMM_PROCESS_NAME";
    /** Environment variable: {@code false} to keep running when the parent dies. */
    public static final String ENV_EXIT_WITH_PARENT = "LITECOMM_EXIT_WITH_PARENT";

    private ChildCommand() {
    }

    /**
     * The command: {@code java <jvmArgs> -cp <classPath> ChildMain <mainClass> <args>}.
     *
     * @param javaExecutable the parent's {@code java}
     * @param classPath the parent's class path
     * @param spec the child
     * @return the command line
     */
    public static List<String> command(Path javaExecutable, String classPath, ChildSpec spec) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(spec.jvmArgs());
        command.add("-cp");
        command.add(classPath);
        command.add(ChildMain.class.getName());
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
        Map<String, String> env = new TreeMap<>(spec.environment());
        env.put(ENV_DOMAIN, domain.toString());
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

    /**
     * The class path of this JVM.
     *
     * @return the class path
     */
    public static String currentClassPath() {
        return System.getProperty("java.class.path");
    }
}
