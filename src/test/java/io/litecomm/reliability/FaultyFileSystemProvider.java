package io.litecomm.reliability;

import io.litecomm.reliability.FaultPlan.Kind;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file-system provider that delegates to the default one and asks a {@link FaultPlan} before
 * every operation that can fail with an I/O error: opens and creations, maps, locks, writes and
 * (optionally) metadata reads. Its paths wrap default paths and print the same, so the library runs
 * unchanged on {@code Comm.open(provider.path(domain))} while the test reopens the same directory
 * through the default file system to judge what the failure left behind.
 *
 * <p>Not installed: it is reached only through its own paths. It keeps every channel it opened, so
 * a leaked one stays open (and visible) rather than being closed by a garbage-collector cleaner, and
 * records the inode of every file it opened, so a test can look for this JVM's locks on them in
 * {@code /proc/locks}.
 */
final class FaultyFileSystemProvider extends FileSystemProvider {

    private final FileSystemProvider delegate = FileSystems.getDefault().provider();
    private final FaultyFileSystem fileSystem = new FaultyFileSystem();
    private final FaultPlan plan;
    private final Set<Long> inodes = ConcurrentHashMap.newKeySet();
    /** Every channel handed out, held strongly: a leaked one is never closed by the garbage collector's cleaner. */
    private final List<FaultyFileChannel> channels = new ArrayList<>();

    FaultyFileSystemProvider(FaultPlan plan) {
        this.plan = plan;
    }

    /**
     * A default path seen through this provider.
     *
     * @param path a path of the default file system
     * @return the same path with faulty I/O
     */
    Path path(Path path) {
        return new FaultyPath(fileSystem, path);
    }

    /**
     * Inodes of every file opened through this provider.
     *
     * @return the inode numbers
     */
    Set<Long> openedInodes() {
        return Set.copyOf(inodes);
    }

    private void check(Kind kind, String what, Path path) throws IOException {
        plan.check(kind, what + " " + path.getFileName());
    }

    @Override
    public String getScheme() {
        return "faulty";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("faulty file system is created by the test");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("faulty file system is reached through its paths");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("faulty file system is reached through its paths");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        check(Kind.OPEN, "open", path);
        Path real = FaultyPath.unwrap(path);
        FileChannel channel = delegate.newFileChannel(real, options, attrs);
        try {
            inodes.add(((Number) delegate.readAttributes(real, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino")).longValue());
        } catch (IOException e) {
            // replaced already: its inode is not ours to watch
        }
        FaultyFileChannel faulty = new FaultyFileChannel(channel, plan, real.getFileName().toString());
        synchronized (channels) {
            channels.add(faulty);
        }
        return faulty;
    }

    /**
     * Channels handed out and not closed.
     *
     * @return their descriptions
     */
    List<String> openChannels() {
        synchronized (channels) {
            return channels.stream().filter(FileChannel::isOpen).map(FaultyFileChannel::toString).toList();
        }
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        check(Kind.STAT, "list", dir);
        DirectoryStream<Path> real = delegate.newDirectoryStream(FaultyPath.unwrap(dir), p -> filter.accept(path(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = real.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return path(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        check(Kind.OPEN, "createDirectory", dir);
        delegate.createDirectory(FaultyPath.unwrap(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        check(Kind.OPEN, "createSymbolicLink", link);
        delegate.createSymbolicLink(FaultyPath.unwrap(link), FaultyPath.unwrap(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        check(Kind.OPEN, "createLink", link);
        delegate.createLink(FaultyPath.unwrap(link), FaultyPath.unwrap(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        check(Kind.DELETE, "delete", path);
        delegate.delete(FaultyPath.unwrap(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        check(Kind.OPEN, "copy", target);
        delegate.copy(FaultyPath.unwrap(source), FaultyPath.unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        check(Kind.OPEN, "move", target);
        delegate.move(FaultyPath.unwrap(source), FaultyPath.unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return delegate.isSameFile(FaultyPath.unwrap(path), FaultyPath.unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return delegate.isHidden(FaultyPath.unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return delegate.getFileStore(FaultyPath.unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        check(Kind.STAT, "checkAccess", path);
        delegate.checkAccess(FaultyPath.unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        V view = delegate.getFileAttributeView(FaultyPath.unwrap(path), type, options);
        if (view instanceof PosixFileAttributeView posix && type == PosixFileAttributeView.class) {
            return type.cast(new PosixView(posix, path));
        }
        if (view != null && type == BasicFileAttributeView.class) {
            return type.cast(new BasicView((BasicFileAttributeView) view, path));
        }
        return view;
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        check(Kind.STAT, "readAttributes", path);
        return delegate.readAttributes(FaultyPath.unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        check(Kind.STAT, "readAttributes", path);
        return delegate.readAttributes(FaultyPath.unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        check(Kind.WRITE, "setAttribute", path);
        delegate.setAttribute(FaultyPath.unwrap(path), attribute, value, options);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        check(Kind.STAT, "readSymbolicLink", link);
        return path(delegate.readSymbolicLink(FaultyPath.unwrap(link)));
    }

    /** A basic view whose time changes count as writes. */
    private class BasicView implements BasicFileAttributeView {
        private final BasicFileAttributeView view;
        final Path path;

        BasicView(BasicFileAttributeView view, Path path) {
            this.view = view;
            this.path = path;
        }

        @Override
        public String name() {
            return view.name();
        }

        @Override
        public BasicFileAttributes readAttributes() throws IOException {
            check(Kind.STAT, "readAttributes", path);
            return view.readAttributes();
        }

        @Override
        public void setTimes(FileTime lastModified, FileTime lastAccess, FileTime create) throws IOException {
            check(Kind.WRITE, "setTimes", path);
            view.setTimes(lastModified, lastAccess, create);
        }
    }

    /** A POSIX view whose permission, owner and group changes count as writes. */
    private final class PosixView extends BasicView implements PosixFileAttributeView {
        private final PosixFileAttributeView posix;

        PosixView(PosixFileAttributeView posix, Path path) {
            super(posix, path);
            this.posix = posix;
        }

        @Override
        public PosixFileAttributes readAttributes() throws IOException {
            check(Kind.STAT, "readAttributes", path);
            return posix.readAttributes();
        }

        @Override
        public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
            check(Kind.WRITE, "setPermissions", path);
            posix.setPermissions(perms);
        }

        @Override
        public void setGroup(GroupPrincipal group) throws IOException {
            check(Kind.WRITE, "setGroup", path);
            posix.setGroup(group);
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return posix.getOwner();
        }

        @Override
        public void setOwner(UserPrincipal owner) throws IOException {
            check(Kind.WRITE, "setOwner", path);
            posix.setOwner(owner);
        }
    }

    /** The file system of the faulty paths: the default one's names and stores. */
    final class FaultyFileSystem extends FileSystem {
        private final FileSystem real = FileSystems.getDefault();

        @Override
        public FileSystemProvider provider() {
            return FaultyFileSystemProvider.this;
        }

        @Override
        public void close() {
            throw new UnsupportedOperationException("the faulty file system stays open");
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public String getSeparator() {
            return real.getSeparator();
        }

        @Override
        public Iterable<Path> getRootDirectories() {
            List<Path> roots = new ArrayList<>();
            real.getRootDirectories().forEach(root -> roots.add(path(root)));
            return roots;
        }

        @Override
        public Iterable<FileStore> getFileStores() {
            return real.getFileStores();
        }

        @Override
        public Set<String> supportedFileAttributeViews() {
            return real.supportedFileAttributeViews();
        }

        @Override
        public Path getPath(String first, String... more) {
            return path(real.getPath(first, more));
        }

        @Override
        public PathMatcher getPathMatcher(String syntaxAndPattern) {
            PathMatcher matcher = real.getPathMatcher(syntaxAndPattern);
            return p -> matcher.matches(FaultyPath.unwrap(p));
        }

        @Override
        public UserPrincipalLookupService getUserPrincipalLookupService() {
            return real.getUserPrincipalLookupService();
        }

        @Override
        public WatchService newWatchService() {
            throw new UnsupportedOperationException("no watch service on the faulty file system");
        }
    }
}
