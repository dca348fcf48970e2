package io.litecomm.process;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code mvn exec:java} does: runs a main class from a {@link URLClassLoader} over the class
 * path in {@code $APP_CLASS_PATH} (parent: the platform loader), set as the context class loader,
 * while this JVM's own class path holds only this launcher.
 */
public final class IsolatedLauncher {

    private IsolatedLauncher() {
    }

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getenv("APP_CLASS_PATH").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader("app", urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            Method main = loader.loadClass(args[0]).getMethod("main", String[].class);
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        }
    }
}
