package io.litecomm.reliability;

import io.litecomm.reliability.FaultPlan.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@code FileChannel} that asks a {@link FaultPlan} before every map, lock and write, then
 * delegates to the real channel (Tape's {@code BrokenRandomAccessFile}, for NIO). Locks and
 * mappings are the real channel's, so the OS sees exactly what the library asked for. A write that
 * fails is torn, as on a full disk: the first half of its bytes reach the file before the error.
 */
final class FaultyFileChannel extends FileChannel {

    private final FileChannel delegate;
    private final FaultPlan plan;
    private final String name;

    FaultyFileChannel(FileChannel delegate, FaultPlan plan, String name) {
        this.delegate = delegate;
        this.plan = plan;
        this.name = name;
    }

    private void check(Kind kind, String what) throws IOException {
        plan.check(kind, what + " " + name);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    /** Writes the first half of what is left of {@code src} (at {@code position}, or at the channel's position if negative). */
    private void tear(ByteBuffer src, long position) throws IOException {
        ByteBuffer half = src.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        if (position < 0) {
            delegate.write(half);
        } else {
            delegate.write(half, position);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        try {
            check(Kind.WRITE, "write");
        } catch (FaultPlan.InjectedFault fault) {
            tear(src, -1);
            throw fault;
        }
        return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        check(Kind.WRITE, "write");
        return delegate.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        check(Kind.WRITE, "truncate");
        delegate.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        check(Kind.WRITE, "force");
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        check(Kind.WRITE, "transferFrom");
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        try {
            check(Kind.WRITE, "write");
        } catch (FaultPlan.InjectedFault fault) {
            tear(src, position);
            throw fault;
        }
        return delegate.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        check(Kind.MAP, "map");
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        check(Kind.LOCK, "lock");
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        check(Kind.LOCK, "tryLock");
        return delegate.tryLock(position, size, shared);
    }

    @Override
    public String toString() {
        return "FaultyFileChannel[" + name + "]";
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
