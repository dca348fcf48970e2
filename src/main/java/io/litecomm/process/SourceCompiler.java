package io.litecomm.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Compiles a single-file script run by the source launcher ({@code java Script.java}) so that a
 * class declared in it, nested or not, can be a child's main class. Each script is compiled once,
 * with this JVM's class path, into a private temporary directory removed by {@link #close()}. The
 * script is copied under its first public (or the child's outermost) class name, without a
 * {@code #!} line, so shebang scripts and free file names compile too. Thread-safe.
 */
public final class SourceCompiler implements AutoCloseable {

    private final Map<Path, Path> compiled = new HashMap<>();
    private Path root;

    /** Creates a compiler; nothing happens before the first script. */
    public SourceCompiler() {
    }

    /**
     * The directory of the compiled script.
     *
     * @param script the source file
     * @param mainClass a class of that script, loaded by the source launcher
     * @return the class directory
     * @throws IllegalArgumentException if the script cannot be compiled, with javac's messages
     */
    public synchronized Path compile(Path script, Class<?> mainClass) {
        Path done = compiled.get(script);
        if (done != null) {
            return done;
        }
        Optional<ToolProvider> javac = ToolProvider.findFirst("javac");
        if (javac.isEmpty()) {
            throw new IllegalArgumentException("cannot start child: mainClass=" + mainClass.getName() + " script=" + script
                    + ": it was compiled by the source launcher, and this JVM has no javac to compile it for the child");
        }
        try {
            if (root == null) {
                root = Files.createTempDirectory("litecomm-script-");
            }
            Path dir = Files.createDirectory(root.resolve("s" + compiled.size()));
            Path src = Files.createDirectory(dir.resolve("src"));
            Path classes = Files.createDirectory(dir.resolve("classes"));
            Class<?> outer = mainClass;
            while (outer.getEnclosingClass() != null) {
                outer = outer.getEnclosingClass();
            }
            String text = Files.readString(script, StandardCharsets.UTF_8);
            if (text.startsWith("#!")) {
                int eol = text.indexOf('\n');
                text = eol < 0 ? "" : text.substring(eol);
            }
            Path copy = src.resolve(outer.getSimpleName() + ".java");
            Files.writeString(copy, text, StandardCharsets.UTF_8);
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(messages, true, StandardCharsets.UTF_8);
            int code = javac.get().run(out, out, "-d", classes.toString(), "-cp", System.getProperty("java.class.path", ""),
                    "-proc:none", "-nowarn", "-encoding", "UTF-8", copy.toString());
            if (code != 0) {
                throw new IllegalArgumentException("cannot start child: mainClass=" + mainClass.getName() + " script=" + script
                        + ": compiling the script for the child failed:\n" + messages.toString(StandardCharsets.UTF_8));
            }
            compiled.put(script, classes);
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile script for a child: script=" + script, e);
        }
    }

    /** Deletes the compiled classes. */
    @Override
    public synchronized void close() {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
        root = null;
        compiled.clear();
    }
}
