package io.litecomm.reliability;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** A default-file-system path seen through a {@link FaultyFileSystemProvider}: same names, faulty I/O. */
final class FaultyPath implements Path {

    private final FaultyFileSystemProvider.FaultyFileSystem fileSystem;
    private final Path delegate;

    FaultyPath(FaultyFileSystemProvider.FaultyFileSystem fileSystem, Path delegate) {
        this.fileSystem = fileSystem;
        this.delegate = delegate;
    }

    /**
     * The default-file-system path behind a faulty one.
     *
     * @param path a path of the faulty file system
     * @return the real path
     * @throws ProviderMismatchException for any other path
     */
    static Path unwrap(Path path) {
        if (path instanceof FaultyPath faulty) {
            return faulty.delegate;
        }
        throw new ProviderMismatchException("not a faulty path: " + path + " (" + path.getClass().getName() + ")");
    }

    private Path wrap(Path path) {
        return path == null ? null : new FaultyPath(fileSystem, path);
    }

    @Override
    public FaultyFileSystemProvider.FaultyFileSystem getFileSystem() {
        return fileSystem;
    }

    @Override
    public boolean isAbsolute() {
        return delegate.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(delegate.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(delegate.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(delegate.getParent());
    }

    @Override
    public int getNameCount() {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof FaultyPath faulty && delegate.startsWith(faulty.delegate);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof FaultyPath faulty && delegate.endsWith(faulty.delegate);
    }

    @Override
    public Path normalize() {
        return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(delegate.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(delegate.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(delegate.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on the faulty file system");
    }

    @Override
    public int compareTo(Path other) {
        return delegate.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FaultyPath faulty && faulty.fileSystem == fileSystem && faulty.delegate.equals(delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
