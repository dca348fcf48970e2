package io.litecomm;

import io.litecomm.codec.Codecs;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates channel names: they become file names, so they are kept to a safe alphabet. Names
 * ending in a reserved suffix belong to the library: {@code .control} (a {@link ProcessManager}
 * child's control channel) is refused in the public API; {@code .dead} (a channel's dead-letter
 * channel) may be opened by users, as {@code byte[]} only, to drain it.
 */
final class Names {

    /** Longest channel name; a dead-letter channel may add its suffix to it. */
    static final int MAX_LENGTH = 200;
    /** Suffixes of names the library keeps for itself: users may not open such channels. */
    static final List<String> RESERVED_SUFFIXES = List.of(ProcessManager.CONTROL_SUFFIX);

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    private Names() {
    }

    /**
     * Checks a name a user gives to open a channel: valid, and not reserved for the library.
     *
     * @throws IllegalArgumentException if invalid or reserved
     */
    static String checkUser(String name) {
        check(name);
        for (String suffix : RESERVED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                throw new IllegalArgumentException("reserved channel name: name=" + name + " rule=names ending in "
                        + suffix + " are litecomm's own (" + owner(suffix) + ")");
            }
        }
        return name;
    }

    /**
     * Checks that a user opens a dead-letter channel as raw bytes.
     *
     * @throws IllegalArgumentException if a {@code .dead} channel is opened with another type
     */
    static void checkDeadLetterType(String name, String descriptor) {
        if (name.endsWith(DeadLetters.SUFFIX) && !Codecs.BYTES.equals(descriptor)) {
            throw new IllegalArgumentException("dead-letter channels hold raw bytes: name=" + name + " type=" + descriptor
                    + " rule=open names ending in " + DeadLetters.SUFFIX + " as byte[].class");
        }
    }

    private static String owner(String suffix) {
        return ProcessManager.CONTROL_SUFFIX.equals(suffix) ? "a ProcessManager child's control channel" : "reserved";
    }

    /** Checks the syntax of a name. */
    static String check(String name) {
        if (name == null) {
            throw new NullPointerException("channel name");
        }
        int max = name.endsWith(DeadLetters.SUFFIX) ? MAX_LENGTH + DeadLetters.SUFFIX.length() : MAX_LENGTH;
        if (name.isEmpty() || name.length() > max || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid channel name: name=\"" + printable(name) + "\" rule=1 to "
                    + MAX_LENGTH + " of [A-Za-z0-9._-], not starting with '.' or '-'");
        }
        return name;
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(name.length(), 64); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return name.length() > 64 ? out + "..." : out.toString();
    }
}
