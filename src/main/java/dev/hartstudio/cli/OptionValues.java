package dev.hartstudio.cli;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.image.FitMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;

/**
 * The typed option values of the commands: picocli converters that check a value's type and range
 * and fail with a {@link BadValue} whose sentence names the option and the allowed range (the option
 * is named by {@link Cli}, which knows which one was given).
 */
final class OptionValues {

    private OptionValues() {
    }

    /** A value that does not convert: the sentence, given the option's name. */
    static final class BadValue extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;
        private final transient Function<String, String> sentence;

        BadValue(Function<String, String> sentence) {
            super(sentence.apply("the option"));
            this.sentence = sentence;
        }

        String sentence(String option) {
            return sentence.apply(option);
        }
    }

    /** A real number in {@code [min, max]}; {@code range} is how the range is written in messages. */
    abstract static class Real implements ITypeConverter<Double> {
        private final double min;
        private final double max;
        private final String range;

        Real(double min, double max, String range) {
            this.min = min;
            this.max = max;
            this.range = range;
        }

        @Override
        public Double convert(String text) {
            double v;
            try {
                v = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new BadValue(o -> o + " \"" + text + "\" is not a number; allowed: " + range + ".");
            }
            if (Double.isNaN(v) || v < min || v > max) {
                throw new BadValue(o -> o + " " + text.trim() + " is outside the allowed range " + range + ".");
            }
            return v;
        }
    }

    /** A whole number in {@code [min, max]}. */
    abstract static class Whole implements ITypeConverter<Long> {
        private final long min;
        private final long max;

        Whole(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Long convert(String text) {
            return whole(text, min, max);
        }
    }

    /** The value of a list option such as {@code --top-k 600,300}: one option, given once. */
    record Numbers(List<Integer> values) {
        Numbers {
            values = List.copyOf(values);
        }
    }

    /** A comma-separated list of whole numbers, each in {@code [min, max]}. */
    abstract static class Wholes implements ITypeConverter<Numbers> {
        private final long min;
        private final long max;

        Wholes(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Numbers convert(String text) {
            List<Integer> out = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                out.add((int) whole(part, min, max));
            }
            return new Numbers(out);
        }
    }

    static long whole(String text, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new BadValue(o -> o + " \"" + text + "\" is not a whole number; allowed: " + min + " .. " + max + ".");
        }
        if (v < min || v > max) {
            throw new BadValue(o -> o + " " + v + " is outside the allowed range " + min + " .. " + max + ".");
        }
        return v;
    }

    /** One of {@code choices} (case ignored), as the lower-case choice. */
    static String choice(String text, String... choices) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(lower)) {
                return c;
            }
        }
        throw new BadValue(o -> o + " \"" + text + "\" is not one of " + String.join(", ", choices) + ".");
    }

    static final class Cfg extends Real {
        Cfg() {
            super(0, SamplingParams.MAX_CFG, SamplingParams.CFG_RANGE);
        }
    }

    static final class TopP extends Real {
        TopP() {
            super(0, SamplingParams.MAX_TOP_P, SamplingParams.TOP_P_RANGE);
        }
    }

    static final class TopK extends Wholes {
        TopK() {
            super(0, SamplingParams.MAX_TOP_K);
        }
    }

    static final class Seed extends Whole {
        Seed() {
            super(0, GenerationRequest.MAX_SEED);
        }
    }

    /** Bench seeds leave room for a million images after the first. */
    static final class BenchSeed extends Whole {
        BenchSeed() {
            super(0, GenerationRequest.MAX_SEED - 1_000_000L);
        }
    }

    static final class Batch extends Whole {
        Batch() {
            super(1, GenerateCommand.MAX_BATCH);
        }
    }

    static final class Batches extends Wholes {
        Batches() {
            super(1, GenerateCommand.MAX_BATCH);
        }
    }

    static final class BranchFrom extends Whole {
        BranchFrom() {
            super(1, 10_000);
        }
    }

    static final class Runs extends Whole {
        Runs() {
            super(1, 100_000);
        }
    }

    static final class WarmupRuns extends Whole {
        WarmupRuns() {
            super(0, 1_000);
        }
    }

    static final class WarmupSeconds extends Whole {
        WarmupSeconds() {
            super(0, 600);
        }
    }

    /** {@code i/n}: this machine's share of a prompts file. */
    record Shard(int index, int count) {
    }

    static final class ShardValue implements ITypeConverter<Shard> {
        @Override
        public Shard convert(String text) {
            String s = text.trim();
            String[] parts = s.split("/", -1);
            if (parts.length != 2 || !parts[0].matches("[0-9]{1,7}") || !parts[1].matches("[0-9]{1,7}")) {
                throw new BadValue(o -> o + " \"" + s + "\" must be i/n, e.g. 0/4 (i = 0 .. n-1).");
            }
            int i = Integer.parseInt(parts[0]);
            int n = Integer.parseInt(parts[1]);
            if (n < 1 || i >= n) {
                throw new BadValue(o -> o + " " + s + ": i must be in 0 .. n-1 and n at least 1 (e.g. 0/4 .. 3/4).");
            }
            return new Shard(i, n);
        }
    }

    static final class Preview implements ITypeConverter<PreviewMode> {
        @Override
        public PreviewMode convert(String text) {
            return switch (choice(text, "latent", "decode", "none")) {
                case "latent" -> PreviewMode.LATENT_RGB;
                case "decode" -> PreviewMode.FULL_DECODE;
                default -> PreviewMode.NONE;
            };
        }
    }

    static final class Fit implements ITypeConverter<FitMode> {
        @Override
        public FitMode convert(String text) {
            return switch (choice(text, "crop", "stretch", "pad")) {
                case "stretch" -> FitMode.STRETCH;
                case "pad" -> FitMode.PAD;
                default -> FitMode.CENTER_CROP;
            };
        }
    }

    static final class Provider implements ITypeConverter<ExecutionProvider> {
        @Override
        public ExecutionProvider convert(String text) {
            try {
                return ExecutionProvider.parse(text);
            } catch (IllegalArgumentException e) {
                throw new BadValue(o -> o + ": " + e.getMessage());
            }
        }
    }
}
