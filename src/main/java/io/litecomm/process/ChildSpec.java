package io.litecomm.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to launch and supervise one child.
 *
 * @param name the child's name
 * @param mainClass fully qualified name of the child's main class
 * @param args arguments of its main method
 * @param jvmArgs extra JVM arguments
 * @param environment extra environment variables
 * @param workingDirectory working directory, or {@code null} for the parent's
 * @param restart when to restart it
 * @param stopGrace how long a graceful stop may take before the child is destroyed
 * @param exitWithParent whether the child exits when the parent dies
 * @param launch how its JVM finds the bootstrap and its main class
 * @param output where its output goes
 * @param startTimeout how long {@code start} waits for the child to report that it is up
 * @param ownLogging whether the child keeps its own SLF4J provider rather than forwarding records
 */
public record ChildSpec(String name, String mainClass, List<String> args, List<String> jvmArgs,
                        Map<String, String> environment, Path workingDirectory, RestartRule restart,
                        Duration stopGrace, boolean exitWithParent, ChildLaunch launch, OutputMode output,
                        Duration startTimeout, boolean ownLogging) {

    /**
     * Copies the lists and maps.
     */
    public ChildSpec {
        args = List.copyOf(args);
        jvmArgs = List.copyOf(jvmArgs);
        environment = Map.copyOf(environment);
    }
}
