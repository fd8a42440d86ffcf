package dev.hartstudio.persistence.png;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Stable Diffusion web UI (A1111) "infotext" in a PNG's {@code parameters} text:
 * <pre>
 * prompt (may span lines)
 * Negative prompt: negative prompt
 * Steps: 18, Sampler: HART, CFG scale: 4.5, Seed: 42, Size: 128x128, Model hash: 0123456789, Model: name
 * </pre>
 * {@link #parse} follows A1111's {@code parse_generation_parameters}: the last line holds the
 * parameters when it has at least three {@code Key: value} pairs; a value that contains a comma,
 * colon or line break is a JSON string. Null fields are absent; keys other than the named ones are
 * kept in {@link #other} in their order.
 *
 * @param steps the {@code Steps} value, or null
 * @param cfgScale the {@code CFG scale} value, or null
 * @param width the first number of {@code Size: WxH}, or null
 * @param height the second number of {@code Size: WxH}, or null
 * @param other every other key, with its (unquoted) value
 */
public record InfoText(
        String prompt,
        String negativePrompt,
        Integer steps,
        String sampler,
        Double cfgScale,
        Long seed,
        Integer width,
        Integer height,
        String model,
        String modelHash,
        Map<String, String> other) implements ImageParameters {

    private static final Pattern SIZE = Pattern.compile("^(\\d+)x(\\d+)$");
    private static final String NEGATIVE = "Negative prompt:";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    public InfoText {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        other = Collections.unmodifiableMap(new LinkedHashMap<>(other));
    }

    /** The infotext of an image made by this app. */
    public static InfoText of(GenerationMetadata m) {
        return new InfoText(m.prompt(), "", m.steps(), GenerationMetadata.SAMPLER, m.cfg(), m.seed(), m.width(),
                m.height(), m.bundleName(), m.modelHash(), Map.of());
    }

    /**
     * The text as A1111 writes it, keys in A1111's order. The {@code Negative prompt:} line is always
     * written, empty when there is none.
     */
    public String format() {
        List<String> params = new ArrayList<>();
        add(params, "Steps", steps);
        add(params, "Sampler", sampler);
        add(params, "CFG scale", cfgScale == null ? null : number(cfgScale));
        add(params, "Seed", seed);
        add(params, "Size", width == null || height == null ? null : width + "x" + height);
        add(params, "Model hash", modelHash);
        add(params, "Model", model);
        other.forEach((k, v) -> add(params, k, v));
        return prompt + "\n" + NEGATIVE + " " + negativePrompt + "\n" + String.join(", ", params);
    }

    /**
     * Parses A1111 infotext.
     *
     * @throws IllegalArgumentException when Steps, CFG scale, Seed or Size is not a number of the
     *     right kind; the message names the key and value
     */
    public static InfoText parse(String text) {
        String[] all = text.replace("\r\n", "\n").strip().split("\n", -1);
        List<String> lines = new ArrayList<>(List.of(all).subList(0, all.length - 1));
        String last = all[all.length - 1];
        if (countParams(last) < 3) {
            lines.add(last);
            last = "";
        }
        StringBuilder prompt = new StringBuilder();
        StringBuilder negative = new StringBuilder();
        boolean doneWithPrompt = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith(NEGATIVE)) {
                doneWithPrompt = true;
                line = line.substring(NEGATIVE.length()).strip();
            }
            StringBuilder target = doneWithPrompt ? negative : prompt;
            if (target.length() > 0) {
                target.append('\n');
            }
            target.append(line);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String[] pair : Params.of(last)) {
            values.put(pair[0], unquote(pair[1]));
        }
        Integer width = null;
        Integer height = null;
        String size = values.remove("Size");
        if (size != null) {
            Matcher s = SIZE.matcher(size);
            if (!s.matches()) {
                throw new IllegalArgumentException("Size is \"" + size + "\", not WIDTHxHEIGHT");
            }
            width = count("Size", s.group(1));
            height = count("Size", s.group(2));
        }
        String steps = values.remove("Steps");
        String cfg = values.remove("CFG scale");
        String seed = values.remove("Seed");
        return new InfoText(prompt.toString(), negative.toString(),
                steps == null ? null : count("Steps", steps),
                values.remove("Sampler"),
                cfg == null ? null : decimal("CFG scale", cfg),
                seed == null ? null : whole("Seed", seed),
                width, height, values.remove("Model"), values.remove("Model hash"), values);
    }

    private static int countParams(String line) {
        return Params.of(line).size();
    }

    private static void add(List<String> params, String key, Object value) {
        if (value != null) {
            params.add(key + ": " + quote(value.toString()));
        }
    }

    /** A1111's {@code quote}: JSON-quoted (non-ASCII kept) only when the value has , : or a line break. */
    static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('\n') < 0 && value.indexOf(':') < 0) {
            return value;
        }
        return GSON.toJson(value);
    }

    /** A1111's {@code unquote}: a JSON string's content, or the text as it is when it is not one. */
    static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        try (JsonReader reader = new JsonReader(new StringReader(value))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (reader.peek() == JsonToken.END_DOCUMENT && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                return e.getAsString();
            }
        } catch (JsonParseException | IOException e) {
            // Not a JSON string after all: A1111 keeps such a value as it is, and so do we.
        }
        return value;
    }

    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static Long whole(String key, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is \"" + value + "\", not a whole number", e);
        }
    }

    private static Integer count(String key, String value) {
        long v = whole(key, value);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is \"" + value + "\", out of range");
        }
        return (int) v;
    }

    private static Double decimal(String key, String value) {
        try {
            double d = Double.parseDouble(value.strip());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " is \"" + value + "\", not a number");
    }
}
