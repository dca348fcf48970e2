package io.litecomm.bench.xproc;

import java.io.IOException;

/**
 * One process's end of a transport under test, carrying 64-byte messages. One thread uses it.
 */
interface Endpoint extends AutoCloseable {

    /**
     * Sends a message, waiting (spinning, or the transport's own blocking) while it is full.
     *
     * @param message 64 bytes; the endpoint may not keep it after returning
     * @throws Exception on a transport failure
     */
    void send(byte[] message) throws Exception;

    /**
     * The next message if one is ready, without waiting.
     *
     * @return 64 bytes, valid until the next call, or {@code null}
     * @throws Exception on a transport failure
     */
    byte[] poll() throws Exception;

    /**
     * The next message, blocking in the transport's own way.
     *
     * @return 64 bytes, valid until the next call
     * @throws Exception on a transport failure
     */
    default byte[] take() throws Exception {
        throw new UnsupportedOperationException("no native blocking receive");
    }

    @Override
    default void close() throws IOException {
    }
}
