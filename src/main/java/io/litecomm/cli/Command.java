package io.litecomm.cli;

import java.util.Set;

/** One command of the tool: its name, its help, the options it takes and what it does. */
interface Command {

    /**
     * The name typed on the command line.
     *
     * @return e.g. {@code ls}
     */
    String name();

    /**
     * One line for the tool's command list.
     *
     * @return the summary
     */
    String summary();

    /**
     * The full help, printed by {@code litecomm NAME --help}; ends with a newline.
     *
     * @return the help text
     */
    String help();

    /**
     * Options of this command that take a value, beyond the global ones.
     *
     * @return option names, e.g. {@code --count}
     */
    default Set<String> valueOptions() {
        return Set.of();
    }

    /**
     * Options of this command that take no value, beyond the global ones.
     *
     * @return option names
     */
    default Set<String> flags() {
        return Set.of();
    }

    /**
     * Runs the command.
     *
     * @param invocation arguments, streams and domain
     * @return the exit status
     * @throws Exception reported by the tool as a failure (status 1)
     */
    int execute(Invocation invocation) throws Exception;
}
