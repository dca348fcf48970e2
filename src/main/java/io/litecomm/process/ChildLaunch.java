package io.litecomm.process;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a child's JVM finds the bootstrap and the child's main class, worked out once in the parent
 * from where those classes come from:
 *
 * <ul>
 *   <li>{@code class-path}: both on this JVM's class path: {@code -cp <java.class.path>};</li>
 *   <li>{@code module-path}: litecomm is a named module: {@code --module-path <jdk.module.path>}
 *       (and {@code -cp} if this JVM has one), the child's module added and its package exported to
 *       litecomm, litecomm's optional modules that this JVM resolved (Jedis) added too,
 *       {@code -m io.litecomm/io.litecomm.process.ChildMain};</li>
 *   <li>{@code source-file}: the child class was compiled by the source launcher
 *       ({@code java Script.java}): the script is compiled once into a private directory put first
 *       on the class path (see {@link SourceCompiler});</li>
 *   <li>{@code class-loader}: loaded by another class loader (the context class loader of
 *       {@code mvn exec:java}, an application server): the {@code file:} URLs of every
 *       {@link URLClassLoader} between that loader and the system class loader, then the class
 *       path.</li>
 * </ul>
 *
 * @param mode one of the names above
 * @param bootArgs JVM arguments that select the class or module path and the bootstrap, ending with
 *     the bootstrap's main class (or {@code -m module/class})
 * @param environment extra environment of the child
 */
public record ChildLaunch(String mode, List<String> bootArgs, Map<String, String> environment) {

    /** Copies the lists. */
    public ChildLaunch {
        bootArgs = List.copyOf(bootArgs);
        environment = Map.copyOf(environment);
    }

    /**
     * A plain class-path launch.
     *
     * @param classPath the class path
     * @return the launch
     */
    public static ChildLaunch classPath(String classPath) {
        return new ChildLaunch("class-path", List.of("-cp", classPath, ChildMain.class.getName()), Map.of());
    }

    /**
     * Works out the launch of a child whose main class is {@code mainClass}, in this JVM.
     *
     * @param name the child's name, for messages
     * @param mainClass its main class
     * @param compiler compiles single-file scripts
     * @return the launch
     * @throws IllegalArgumentException if the child cannot be started from here, saying why
     */
    public static ChildLaunch of(String name, Class<?> mainClass, SourceCompiler compiler) {
        Module litecomm = ChildMain.class.getModule();
        if (litecomm.isNamed()) {
            return modular(name, mainClass, litecomm);
        }
        if (mainClass.getModule().isNamed()) {
            throw new IllegalArgumentException("cannot start child: name=" + name + " mainClass=" + mainClass.getName()
                    + ": it is in module " + mainClass.getModule().getName()
                    + " while litecomm is on the class path; put litecomm on the module path too");
        }
        Path source = sourceFile(mainClass);
        if (source != null) {
            Path classes = compiler.compile(source, mainClass);
            return new ChildLaunch("source-file", List.of("-cp", join(List.of(classes.toString()), javaClassPath()),
                    ChildMain.class.getName()), Map.of());
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (mainClass.getClassLoader() == system && ChildMain.class.getClassLoader() == system) {
            return classPath(javaClassPath());
        }
        Set<String> entries = new LinkedHashSet<>();
        boolean reachesSystem = loaderPath(name, mainClass, mainClass.getClassLoader(), entries)
                & loaderPath(name, mainClass, ChildMain.class.getClassLoader(), entries);
        if (reachesSystem) {
            entries.addAll(split(javaClassPath()));
        }
        return new ChildLaunch("class-loader", List.of("-cp", String.join(File.pathSeparator, entries),
                ChildMain.class.getName()), Map.of());
    }

    private static ChildLaunch modular(String name, Class<?> mainClass, Module litecomm) {
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null || modulePath.isEmpty()) {
            throw new IllegalArgumentException("cannot start child: name=" + name + " mainClass=" + mainClass.getName()
                    + ": litecomm is the named module " + litecomm.getName()
                    + " but this JVM has no --module-path (jdk.module.path is not set)");
        }
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath));
        String classPath = javaClassPath();
        if (!classPath.isEmpty()) {
            args.addAll(List.of("-cp", classPath));
        }
        Module module = mainClass.getModule();
        String moduleName = "";
        if (module.isNamed() && module != litecomm) {
            if (module.getLayer() != ModuleLayer.boot()) {
                throw new IllegalArgumentException("cannot start child: name=" + name + " mainClass=" + mainClass.getName()
                        + ": its module " + module.getName() + " is not in the boot layer");
            }
            moduleName = module.getName();
            args.addAll(List.of("--add-modules", moduleName,
                    "--add-exports", moduleName + "/" + mainClass.getPackageName() + "=" + litecomm.getName()));
        } else if (!module.isNamed() && mainClass.getClassLoader() != ClassLoader.getSystemClassLoader()) {
            throw new IllegalArgumentException("cannot start child: name=" + name + " mainClass=" + mainClass.getName()
                    + ": with litecomm on the module path, the child class must be in a module or on the class path");
        }
        // litecomm's optional dependencies (requires static, as Jedis for redis://) that this JVM resolved
        // (--add-modules or an application's requires): the child must resolve them too
        List<String> optional = litecomm.getDescriptor().requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name).filter(n -> ModuleLayer.boot().findModule(n).isPresent())
                .sorted().toList();
        if (!optional.isEmpty()) {
            args.addAll(List.of("--add-modules", String.join(",", optional)));
        }
        args.addAll(List.of("-m", litecomm.getName() + "/" + ChildMain.class.getName()));
        return new ChildLaunch("module-path", args, moduleName.isEmpty() ? Map.of() : Map.of(ChildCommand.ENV_MODULE,
                moduleName));
    }

    /** The script of a class compiled by the source launcher, or {@code null}. */
    static Path sourceFile(Class<?> type) {
        CodeSource code = type.getProtectionDomain().getCodeSource();
        URL location = code == null ? null : code.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        try {
            Path path = Path.of(location.toURI());
            return path.toString().endsWith(".java") && path.toFile().isFile() ? path : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Adds the URLs of the loaders from {@code loader} up; {@code true} if it reached the system loader. */
    private static boolean loaderPath(String name, Class<?> mainClass, ClassLoader loader, Set<String> entries) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        List<String> own = new ArrayList<>();
        for (ClassLoader l = loader; l != null && l != platform; l = l.getParent()) {
            if (l == system) {
                entries.addAll(own);
                return true;
            }
            if (!(l instanceof URLClassLoader urls)) {
                throw new IllegalArgumentException("cannot start child: name=" + name + " mainClass=" + mainClass.getName()
                        + ": it is loaded by " + l + ", which is not a URLClassLoader, so its class path is unknown;"
                        + " put the child and litecomm on the class path");
            }
            List<String> these = new ArrayList<>();
            for (URL url : urls.getURLs()) {
                if ("file".equals(url.getProtocol())) {
                    try {
                        these.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a local file: the child cannot use it
                    }
                }
            }
            own.addAll(0, these); // parents first, as delegation looks there first
        }
        entries.addAll(own);
        return false;
    }

    private static String javaClassPath() {
        return System.getProperty("java.class.path", "");
    }

    private static List<String> split(String classPath) {
        List<String> parts = new ArrayList<>();
        for (String part : classPath.split(File.pathSeparator)) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static String join(List<String> first, String rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(split(rest));
        return String.join(File.pathSeparator, all);
    }
}
