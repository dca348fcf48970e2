package io.litecomm.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A JDK stream socket, Unix domain ({@code family=unix}) or TCP over 127.0.0.1 ({@code family=tcp},
 * {@code TCP_NODELAY}): 64-byte frames, one {@code write} per message. The side that starts first
 * listens; spin and park modes use a non-blocking channel, block mode a blocking one.
 */
final class SocketTransport implements Transport {

    @Override
    public Endpoint open(Params p, Params.Role role) throws IOException {
        boolean unix = "unix".equals(p.get("family"));
        SocketChannel ch;
        if (role.first()) {
            ServerSocketChannel server;
            if (unix) {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(p.dir().resolve("bench.sock")));
                Control.ready("path=" + p.dir().resolve("bench.sock"));
            } else {
                server = ServerSocketChannel.open();
                server.bind(new InetSocketAddress("127.0.0.1", 0));
                Control.ready("port=" + ((InetSocketAddress) server.getLocalAddress()).getPort());
            }
            ch = server.accept();
            server.close();
        } else {
            SocketAddress address = unix ? UnixDomainSocketAddress.of(p.get("path"))
                    : new InetSocketAddress("127.0.0.1", Integer.parseInt(p.get("port")));
            ch = SocketChannel.open(address);
        }
        if (!unix) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        ch.configureBlocking(p.mode() == Params.Mode.BLOCK);
        return new StreamEndpoint(ch);
    }

    /** Frames over one stream. */
    private static final class StreamEndpoint implements Endpoint {
        private final SocketChannel ch;
        private final ByteBuffer out = ByteBuffer.allocateDirect(Msg.SIZE);
        private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        private final byte[] current = new byte[Msg.SIZE];

        StreamEndpoint(SocketChannel ch) {
            this.ch = ch;
            in.flip();
        }

        @Override
        public void send(byte[] message) throws IOException {
            out.clear();
            out.put(message, 0, Msg.SIZE);
            out.flip();
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public byte[] poll() throws IOException {
            if (in.remaining() < Msg.SIZE && !fill()) {
                return null;
            }
            in.get(current);
            return current;
        }

        @Override
        public byte[] take() throws IOException {
            while (in.remaining() < Msg.SIZE) {
                fill();
            }
            in.get(current);
            return current;
        }

        /** Reads what is available; true if a whole frame is buffered. */
        private boolean fill() throws IOException {
            in.compact();
            int n = ch.read(in);
            in.flip();
            if (n < 0) {
                throw new EOFException("peer closed the socket");
            }
            return in.remaining() >= Msg.SIZE;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
