package io.litecomm.bench.xproc;

import java.util.Arrays;

/**
 * The 64-byte test message, printable ASCII so that a JSON string of it is 64 bytes with quotes:
 * byte 0 is {@code 'D'} (data) or {@code 'E'} (end of stream), bytes 1..16 the sequence number in
 * hexadecimal, the rest filler.
 */
final class Msg {

    static final int SIZE = 64;
    static final byte DATA = 'D';
    static final byte END = 'E';
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Msg() {
    }

    static byte[] data() {
        byte[] m = new byte[SIZE];
        Arrays.fill(m, (byte) 'x');
        m[0] = DATA;
        seq(m, 0);
        return m;
    }

    static byte[] end() {
        byte[] m = data();
        m[0] = END;
        return m;
    }

    static boolean isEnd(byte[] m) {
        return m[0] == END;
    }

    static void seq(byte[] m, long seq) {
        for (int i = 16; i >= 1; i--) {
            m[i] = HEX[(int) (seq >>> ((16 - i) * 4)) & 15];
        }
    }

    static long seq(byte[] m) {
        long v = 0;
        for (int i = 1; i <= 16; i++) {
            int c = m[i];
            v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return v;
    }
}
