package io.litecomm.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Command-line tokens split into options with values, flags and positional arguments. Options
 * may come anywhere ({@code --name value} or {@code --name=value}); {@code --} ends them; a token
 * that looks like a negative number ({@code -5}) is a positional argument, so JSON numbers pass.
 */
final class Args {

    private static final Pattern NEGATIVE_NUMBER = Pattern.compile("-[0-9.].*");

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private Args(Map<String, String> values, Set<String> flags, List<String> positionals) {
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
    }

    /**
     * Parses tokens.
     *
     * @param tokens the tokens, command name excluded
     * @param valueOptions options that take a value, e.g. {@code --dir}
     * @param flagOptions options that take none, e.g. {@code --json}; {@code -h} means {@code --help}
     * @return the parsed arguments
     * @throws UsageException on an unknown option or a missing value
     */
    static Args parse(List<String> tokens, Set<String> valueOptions, Set<String> flagOptions) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean literal = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (literal || !isOption(token)) {
                positionals.add(token);
                continue;
            }
            if (token.equals("--")) {
                literal = true;
                continue;
            }
            String name = token.equals("-h") ? "--help" : token;
            String inline = null;
            int equals = token.indexOf('=');
            if (token.startsWith("--") && equals > 2) {
                name = token.substring(0, equals);
                inline = token.substring(equals + 1);
            }
            if (valueOptions.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= tokens.size()) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    inline = tokens.get(++i);
                }
                values.put(name, inline);
            } else if (flagOptions.contains(name)) {
                if (inline != null) {
                    throw new UsageException("option " + name + " takes no value");
                }
                flags.add(name);
            } else {
                throw new UsageException("unknown option: " + token);
            }
        }
        return new Args(values, flags, positionals);
    }

    /**
     * Whether a token is an option rather than an argument.
     *
     * @param token the token
     * @return {@code true} for {@code -x} and {@code --xyz}, {@code false} for {@code -}, {@code -5} and the rest
     */
    static boolean isOption(String token) {
        return token.length() > 1 && token.charAt(0) == '-' && !NEGATIVE_NUMBER.matcher(token).matches();
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    List<String> positionals() {
        return positionals;
    }

    /**
     * A whole-number option.
     *
     * @param name the option
     * @param defaultValue used when the option is absent
     * @param min the smallest value accepted
     * @return the value
     * @throws UsageException if it is not a number or is below {@code min}
     */
    long number(String name, long defaultValue, long min) {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("option " + name + " needs a whole number >= " + min + ": got '" + text + "'");
    }

    /**
     * The positional argument at {@code index}.
     *
     * @param index which
     * @param what its name in messages, e.g. {@code CHANNEL}
     * @return it
     * @throws UsageException if it is missing
     */
    String positional(int index, String what) {
        if (index >= positionals.size()) {
            throw new UsageException("missing " + what);
        }
        return positionals.get(index);
    }

    /**
     * Fails if there are more than {@code max} positional arguments.
     *
     * @param max how many the command takes
     * @throws UsageException naming the first extra one
     */
    void noMoreThan(int max) {
        if (positionals.size() > max) {
            throw new UsageException("unexpected argument: " + positionals.get(max));
        }
    }
}
