package io.litecomm;

import java.util.regex.Pattern;

/** Validates channel names: they become file names, so they are kept to a safe alphabet. */
final class Names {

    /** Longest channel name. */
    static final int MAX_LENGTH = 200;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    private Names() {
    }

    static String check(String name) {
        if (name == null) {
            throw new NullPointerException("channel name");
        }
        if (name.isEmpty() || name.length() > MAX_LENGTH || !VALID.matcher(name).matches()) {
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
