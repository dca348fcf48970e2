package io.litecomm.bench.xproc;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * litecomm channels in a fresh domain: {@code Channel<byte[]>} ({@code codec=bytes}) or
 * {@code Channel<String>} of JSON ({@code codec=json}: the 64-byte message as a 62-character string,
 * 64 bytes of JSON with its quotes). Sends use {@code send()}; the spin mode polls
 * {@code tryReceive()}, the block mode calls {@code receive()}: the default wait strategy, or the one
 * named by {@code wait} (for example {@code blocking}). With {@code url} the domain is that URI (a
 * {@code redis://} domain for the Redis group) instead of a directory.
 */
final class LitecommTransport implements Transport {

    @Override
    public Endpoint open(Params p, Params.Role role) throws ReflectiveOperationException {
        Comm comm = open(p, options(p.get("wait", null)));
        if ("json".equals(p.get("codec", "bytes"))) {
            return new JsonEndpoint(comm, role);
        }
        return new BytesEndpoint(comm, role);
    }

    /** The domain of {@code url} if given (for example {@code redis://...}), else a directory under {@code dir}. */
    static Comm open(Params p, CommOptions options) {
        String url = p.get("url", null);
        return url == null ? Comm.open(p.dir().resolve("domain"), options) : Comm.open(URI.create(url), options);
    }

    /**
     * Domain options with the wait strategy {@code wait} (a {@code WaitStrategy} constant) if given.
     * Looked up by reflection so that the suite builds against a litecomm without that API; there
     * the measurement fails with a reason.
     */
    static CommOptions options(String wait) throws ReflectiveOperationException {
        CommOptions.Builder builder = CommOptions.builder();
        if (wait != null) {
            Class<?> type;
            try {
                type = Class.forName("io.litecomm.WaitStrategy");
            } catch (ClassNotFoundException e) {
                throw new UnsupportedOperationException("this litecomm has no WaitStrategy (wanted " + wait + ")");
            }
            Object value = type.getMethod("valueOf", String.class).invoke(null, wait.toUpperCase(Locale.ROOT));
            CommOptions.Builder.class.getMethod("waitStrategy", type).invoke(builder, value);
        }
        return builder.build();
    }

    /** {@code Channel<byte[]>}. */
    private static final class BytesEndpoint implements Endpoint {
        private final Comm comm;
        private final Channel<byte[]> rx;
        private final Channel<byte[]> tx;

        BytesEndpoint(Comm comm, Params.Role role) {
            this.comm = comm;
            this.rx = role.rx() == null ? null : comm.channel(role.rx(), byte[].class);
            this.tx = role.tx() == null ? null : comm.channel(role.tx(), byte[].class);
        }

        @Override
        public void send(byte[] message) {
            tx.send(message);
        }

        @Override
        public byte[] poll() {
            return rx.tryReceive().orElse(null);
        }

        @Override
        public byte[] take() {
            return rx.receive();
        }

        @Override
        public void close() {
            comm.close();
        }
    }

    /**
     * {@code Channel<String>}: a message goes out as the 62 characters of its first 62 bytes. A
     * string received is echoed as it is when the caller sends back what it was given.
     */
    private static final class JsonEndpoint implements Endpoint {
        private static final int CHARS = Msg.SIZE - 2;
        private final Comm comm;
        private final Channel<String> rx;
        private final Channel<String> tx;
        private final byte[] in = Msg.data();
        private String lastReceived;

        JsonEndpoint(Comm comm, Params.Role role) {
            this.comm = comm;
            this.rx = role.rx() == null ? null : comm.channel(role.rx(), String.class);
            this.tx = role.tx() == null ? null : comm.channel(role.tx(), String.class);
        }

        @Override
        public void send(byte[] message) {
            if (message == in && lastReceived != null) {
                tx.send(lastReceived);
            } else {
                tx.send(new String(message, 0, CHARS, StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public byte[] poll() {
            Optional<String> s = rx.tryReceive();
            return s.isPresent() ? toBytes(s.get()) : null;
        }

        @Override
        public byte[] take() {
            return toBytes(rx.receive());
        }

        private byte[] toBytes(String s) {
            lastReceived = s;
            for (int i = 0; i < CHARS; i++) {
                in[i] = (byte) s.charAt(i);
            }
            return in;
        }

        @Override
        public void close() {
            comm.close();
        }
    }
}
