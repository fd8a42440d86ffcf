package dev.hartstudio.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one subcommand, parsed against the options it declares: {@code --name value},
 * {@code --name=value}, switches without a value, and positionals. Every problem is a
 * {@link UsageException} naming the option and, for numbers, the allowed range.
 */
final class Args {

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> switches = new LinkedHashSet<>();
    private final List<String> positionals = new ArrayList<>();
    private final boolean help;

    private Args(String command, boolean help) {
        this.command = command;
        this.help = help;
    }

    /**
     * @param withValue options that take a value (aliases: {@code "--provider|--device"}, the first is canonical)
     * @param withoutValue switches
     * @param positionalsAllowed whether bare arguments are accepted
     */
    static Args parse(String command, List<String> tokens, Set<String> withValue, Set<String> withoutValue,
            boolean positionalsAllowed) {
        boolean help = tokens.contains("--help") || tokens.contains("-h");
        Args args = new Args(command, help);
        if (help) {
            return args;
        }
        Map<String, String> canonical = new LinkedHashMap<>();
        for (String spec : withValue) {
            for (String name : spec.split("\\|")) {
                canonical.put(name, spec.split("\\|")[0]);
            }
        }
        boolean onlyPositionals = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (onlyPositionals || !token.startsWith("--") || token.equals("--")) {
                if (token.equals("--") && !onlyPositionals) {
                    onlyPositionals = true;
                    continue;
                }
                if (!positionalsAllowed) {
                    throw new UsageException(command + ": unexpected argument \"" + token + "\"; see " + command + " --help.");
                }
                args.positionals.add(token);
                continue;
            }
            String name = token;
            String value = null;
            int eq = token.indexOf('=');
            if (eq > 0) {
                name = token.substring(0, eq);
                value = token.substring(eq + 1);
            }
            if (withoutValue.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value.");
                }
                if (!args.switches.add(name)) {
                    throw new UsageException(name + " is given twice.");
                }
                continue;
            }
            String key = canonical.get(name);
            if (key == null) {
                throw new UsageException(command + ": unknown option " + name + "; see " + command + " --help.");
            }
            if (value == null) {
                if (i + 1 >= tokens.size()) {
                    throw new UsageException(name + " needs a value.");
                }
                value = tokens.get(++i);
            }
            if (args.values.put(key, value) != null) {
                throw new UsageException(name + " is given twice.");
            }
        }
        return args;
    }

    boolean helpRequested() {
        return help;
    }

    String command() {
        return command;
    }

    boolean has(String option) {
        return values.containsKey(option) || switches.contains(option);
    }

    boolean flag(String option) {
        return switches.contains(option);
    }

    Optional<String> value(String option) {
        return Optional.ofNullable(values.get(option));
    }

    String required(String option, String what) {
        return value(option).orElseThrow(() -> new UsageException(command + " needs " + option + " " + what + "."));
    }

    List<String> positionals() {
        return List.copyOf(positionals);
    }

    /** A number in {@code [min, max]}; {@code range} is how the range is written in messages. */
    Optional<Double> real(String option, double min, double max, String range) {
        return value(option).map(v -> parseReal(option, v, min, max, range));
    }

    /** A whole number in {@code [min, max]}. */
    Optional<Long> integer(String option, long min, long max) {
        return value(option).map(v -> parseInteger(option, v, min, max));
    }

    /** One of {@code choices} (case ignored). */
    Optional<String> choice(String option, String... choices) {
        return value(option).map(v -> {
            String lower = v.trim().toLowerCase(Locale.ROOT);
            for (String c : choices) {
                if (c.equals(lower)) {
                    return c;
                }
            }
            throw new UsageException(option + " \"" + v + "\" is not one of " + String.join(", ", choices) + ".");
        });
    }

    static double parseReal(String option, String text, double min, double max, String range) {
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " \"" + text + "\" is not a number; allowed: " + range + ".");
        }
        if (Double.isNaN(v) || v < min || v > max) {
            throw new UsageException(option + " " + text.trim() + " is outside the allowed range " + range + ".");
        }
        return v;
    }

    static long parseInteger(String option, String text, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " \"" + text + "\" is not a whole number; allowed: " + min + " .. " + max + ".");
        }
        if (v < min || v > max) {
            throw new UsageException(option + " " + v + " is outside the allowed range " + min + " .. " + max + ".");
        }
        return v;
    }

    /** A comma-separated list of whole numbers, each in {@code [min, max]}. */
    static List<Long> parseIntegers(String option, String text, long min, long max) {
        List<Long> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            out.add(parseInteger(option, part, min, max));
        }
        return out;
    }
}
