package io.litecomm.process;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A managed child that writes {@code args[0]} MiB of 'x' on stdout without a newline, then one short line. */
public final class LongLineChild {

    private LongLineChild() {
    }

    public static void main(String[] args) throws IOException {
        int mebibytes = Integer.parseInt(args[0]);
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'x');
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        for (int i = 0; i < mebibytes; i++) {
            out.write(chunk);
        }
        out.write("\nafter the long line\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
