package io.litecomm.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process that tries to lock bytes of a file, to see from outside which locks another
 * process holds. Arguments: the file, then byte offsets. Prints {@code OFFSET HELD} or
 * {@code OFFSET FREE} per offset (a free byte is released at once), then exits.
 */
public final class LockProbe {

    private LockProbe() {
    }

    public static void main(String[] args) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = 1; i < args.length; i++) {
                long offset = Long.parseLong(args[i]);
                try (FileLock lock = channel.tryLock(offset, 1, false)) {
                    System.out.println(offset + (lock == null ? " HELD" : " FREE"));
                }
            }
        }
        System.out.flush();
    }
}
