package io.litecomm.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script of the transport, read from {@code io/litecomm/redis/NAME.lua}. Called with
 * {@code EVALSHA}; the server loads it again after {@code NOSCRIPT} (a restart, {@code SCRIPT FLUSH}).
 */
final class RedisScript {

    final String name;
    final byte[] source;
    final byte[] sha;

    private RedisScript(String name, byte[] source) {
        this.name = name;
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-1 in this JVM", e);
        }
    }

    static RedisScript load(String name) {
        return new RedisScript(name, read(name));
    }

    /**
     * A script whose text is {@code common}'s, a newline, then {@code name}'s: what several scripts
     * start with, kept in one file.
     */
    static RedisScript load(String name, String common) {
        byte[] first = read(common);
        byte[] second = read(name);
        byte[] joined = java.util.Arrays.copyOf(first, first.length + 1 + second.length);
        joined[first.length] = '\n';
        System.arraycopy(second, 0, joined, first.length + 1, second.length);
        return new RedisScript(name, joined);
    }

    private static byte[] read(String name) {
        String resource = name + ".lua";
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("script missing from the litecomm jar: io/litecomm/redis/" + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script io/litecomm/redis/" + resource, e);
        }
    }

    @Override
    public String toString() {
        return name + ".lua";
    }
}
