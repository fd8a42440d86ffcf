package dev.hartstudio.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.hartstudio.engine.generate.GenerationRequest;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A prompts file: one JSON object per line, e.g.
 * {@code {"id": "a1", "prompt": "...", "seed": 3, "cfg": 4.5}} with optional {@code top_k} (one
 * number or a list), {@code top_p}, {@code smooth}, {@code discrete_only} and {@code greedy}.
 * Blank lines are ignored; every error names the file and the line.
 */
final class PromptFile {

    /** One line of the file. {@code index} counts the non-blank lines from 0 (the shard key). */
    record Entry(int index, int line, String id, String prompt, Long seed, SamplingParams params) {
    }

    static final Set<String> KEYS = Set.of("id", "prompt", "seed", "cfg", "top_k", "top_p", "smooth", "discrete_only",
            "greedy");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,119}");

    private PromptFile() {
    }

    /**
     * Reads every entry; parameters a line leaves out come from {@code defaults} and {@code defaultSeed}
     * (null: the bundle's default seed, filled in later).
     *
     * @throws UsageException {@code FILE line N: ...}
     */
    static List<Entry> read(Path file, SamplingParams defaults, Long defaultSeed) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("The prompts file " + file + " does not exist.");
        } catch (MalformedInputException e) {
            throw new UsageException("The prompts file " + file + " is not UTF-8 text.");
        } catch (IOException e) {
            throw new UsageException("Cannot read the prompts file " + file + ": " + e.getMessage() + ".");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + " line " + (i + 1) + ": ";
            Entry e = entry(text, where, entries.size(), i + 1, defaults, defaultSeed);
            Integer before = seen.put(e.id(), e.line());
            if (before != null) {
                throw new UsageException(where + "id \"" + e.id() + "\" is already used on line " + before
                        + " (ids name the output files, so they must be unique).");
            }
            entries.add(e);
        }
        if (entries.isEmpty()) {
            throw new UsageException("The prompts file " + file + " has no prompts.");
        }
        return entries;
    }

    private static Entry entry(String text, String where, int index, int line, SamplingParams defaults, Long defaultSeed) {
        JsonObject o = parseObject(text, where);
        for (String key : o.keySet()) {
            if (!KEYS.contains(key)) {
                throw new UsageException(where + "unknown key \"" + key + "\"; allowed: id, prompt, seed, cfg, top_k, "
                        + "top_p, smooth, discrete_only, greedy.");
            }
        }
        if (!o.has("prompt") || !isString(o.get("prompt"))) {
            throw new UsageException(where + "\"prompt\" (a string) is missing.");
        }
        String id = "line" + line;
        if (o.has("id")) {
            JsonElement v = o.get("id");
            if (!v.isJsonPrimitive() || v.getAsJsonPrimitive().isBoolean()) {
                throw new UsageException(where + "\"id\" must be a string or a number.");
            }
            id = v.getAsString();
            if (!SAFE_ID.matcher(id).matches()) {
                throw new UsageException(where + "id \"" + id + "\" cannot be a file name; use letters, digits, "
                        + "'.', '_' and '-' (at most 120, not starting with '.' or '-').");
            }
        }
        Long seed = o.has("seed") ? Long.valueOf((long) number(o, "seed", where, 0, GenerationRequest.MAX_SEED, true))
                : defaultSeed;
        SamplingParams p = defaults;
        if (o.has("cfg")) {
            p = p.withCfg(number(o, "cfg", where, 0, SamplingParams.MAX_CFG, false));
        }
        if (o.has("top_p")) {
            p = p.withTopP(number(o, "top_p", where, 0, SamplingParams.MAX_TOP_P, false));
        }
        if (o.has("top_k")) {
            p = p.withTopK(topK(o.get("top_k"), where));
        }
        if (o.has("smooth")) {
            p = p.withSmooth(bool(o, "smooth", where));
        }
        if (o.has("discrete_only")) {
            p = p.withDiscreteOnly(bool(o, "discrete_only", where));
        }
        if (o.has("greedy")) {
            p = p.withGreedy(bool(o, "greedy", where));
        }
        return new Entry(index, line, id, o.get("prompt").getAsString(), seed, p);
    }

    private static JsonObject parseObject(String text, String where) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new UsageException(where + "not valid JSON: more than one value on the line.");
            }
            if (!root.isJsonObject()) {
                throw new UsageException(where + "expected a JSON object such as {\"id\": \"a1\", \"prompt\": \"...\"}.");
            }
            return root.getAsJsonObject();
        } catch (JsonParseException | IOException | IllegalStateException e) {
            String m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            throw new UsageException(where + "not valid JSON: " + shorten(m) + ".");
        }
    }

    private static String shorten(String message) {
        if (message == null) {
            return "unreadable";
        }
        int see = message.indexOf("\nSee ");
        String m = see >= 0 ? message.substring(0, see) : message;
        return m.replace(" path $", "").strip();
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static double number(JsonObject o, String key, String where, double min, double max, boolean whole) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new UsageException(where + "\"" + key + "\" must be a number.");
        }
        double v = e.getAsDouble();
        String range = key.equals("top_p") ? SamplingParams.TOP_P_RANGE : fmt(min) + " .. " + fmt(max);
        if (whole && v != Math.rint(v)) {
            throw new UsageException(where + "\"" + key + "\" " + e + " must be a whole number in " + range + ".");
        }
        if (Double.isNaN(v) || v < min || v > max) {
            throw new UsageException(where + "\"" + key + "\" " + e + " is outside the allowed range " + range + ".");
        }
        return whole ? e.getAsLong() : v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean bool(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new UsageException(where + "\"" + key + "\" must be true or false.");
        }
        return e.getAsBoolean();
    }

    private static List<Integer> topK(JsonElement e, String where) {
        List<Integer> out = new ArrayList<>();
        if (e.isJsonArray()) {
            for (JsonElement v : e.getAsJsonArray()) {
                out.add(topKValue(v, where));
            }
            if (out.isEmpty()) {
                throw new UsageException(where + "\"top_k\" is an empty list.");
            }
        } else {
            out.add(topKValue(e, where));
        }
        return out;
    }

    private static int topKValue(JsonElement v, String where) {
        if (!v.isJsonPrimitive() || !((JsonPrimitive) v).isNumber() || v.getAsDouble() != Math.rint(v.getAsDouble())
                || v.getAsDouble() < 0 || v.getAsDouble() > SamplingParams.MAX_TOP_K) {
            throw new UsageException(where + "\"top_k\" values must be whole numbers 0 (off) .. V, got " + v + ".");
        }
        return v.getAsInt();
    }
}
