package io.litecomm.mapped.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Fills files with real zero bytes, so space is allocated now and a full disk fails now. */
final class FileZeroes {

    private static final int CHUNK = 64 * 1024;

    private FileZeroes() {
    }

    static void fill(FileChannel channel, long length) throws IOException {
        ByteBuffer zeroes = ByteBuffer.allocate(CHUNK);
        long position = 0;
        while (position < length) {
            zeroes.clear();
            zeroes.limit((int) Math.min(CHUNK, length - position));
            while (zeroes.hasRemaining()) {
                position += channel.write(zeroes, position);
            }
        }
    }
}
