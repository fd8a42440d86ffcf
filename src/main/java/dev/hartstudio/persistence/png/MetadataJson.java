package dev.hartstudio.persistence.png;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.hartstudio.bundle.JsonGuard;
import dev.hartstudio.persistence.png.GenerationMetadata.BranchInfo;
import dev.hartstudio.persistence.png.GenerationMetadata.StageTimes;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON of the {@code hart-studio} chunk: one object, snake_case keys like manifest.json,
 * {@code "format": "hart-studio-image", "format_version": 1}. Readers ignore keys they do not know.
 */
final class MetadataJson {

    static final String FORMAT = "hart-studio-image";
    static final int FORMAT_VERSION = 1;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Pattern LOCATION = Pattern.compile("(.*?) at line (\\d+) column (\\d+)", Pattern.DOTALL);

    /** Longest JSON read: a 1024 px branch's kept tokens and a long prompt take well under 100 KiB. */
    static final int MAX_CHARS = 1 << 20;

    private final String prefix;

    private MetadataJson(String file) {
        this.prefix = file + ": the hart-studio metadata";
    }

    static String write(GenerationMetadata m) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("format_version", FORMAT_VERSION);
        o.addProperty("prompt", m.prompt());
        o.addProperty("seed", m.seed());
        o.addProperty("batch_index", m.batchIndex());
        o.addProperty("batch_size", m.batchSize());
        o.addProperty("cfg", m.cfg());
        o.add("top_k", ints(m.topK()));
        o.addProperty("top_p", m.topP());
        o.addProperty("more_smooth", m.moreSmooth());
        o.addProperty("discrete_only", m.discreteOnly());
        o.addProperty("greedy", m.greedy());
        o.addProperty("preview", m.preview());
        if (m.branch() == null) {
            o.add("branch", JsonNull.INSTANCE);
        } else {
            JsonObject b = new JsonObject();
            b.addProperty("from_scale", m.branch().fromScale());
            b.addProperty("original_seed", m.branch().originalSeed());
            JsonArray tokens = new JsonArray();
            m.branch().tokens().forEach(scale -> tokens.add(ints(scale)));
            b.add("tokens", tokens);
            if (!m.branch().parents().isEmpty()) {
                JsonArray parents = new JsonArray();
                for (GenerationMetadata.BranchPoint p : m.branch().parents()) {
                    JsonObject po = new JsonObject();
                    po.addProperty("from_scale", p.fromScale());
                    po.addProperty("seed", p.seed());
                    parents.add(po);
                }
                b.add("parents", parents);
            }
            o.add("branch", b);
        }
        o.addProperty("scales", m.scales());
        o.addProperty("stopped_at_scale", m.stoppedAtScale());
        o.addProperty("diffusion_steps", m.diffusionSteps());
        o.addProperty("width", m.width());
        o.addProperty("height", m.height());
        JsonObject bundle = new JsonObject();
        bundle.addProperty("name", m.bundleName());
        bundle.addProperty("sha256", m.bundleSha256());
        o.add("bundle", bundle);
        o.addProperty("provider", m.provider());
        o.addProperty("ort_version", m.ortVersion());
        o.addProperty("rng", m.rng());
        o.addProperty("app_version", m.appVersion());
        if (m.timings() == null) {
            o.add("timings", JsonNull.INSTANCE);
        } else {
            StageTimes t = m.timings();
            JsonObject times = new JsonObject();
            times.addProperty("text_ns", t.textNanos());
            times.add("scale_ns", longs(t.scaleNanos()));
            times.add("diffusion_ns", longs(t.diffusionNanos()));
            times.addProperty("decode_ns", t.decodeNanos());
            times.addProperty("preview_ns", t.previewNanos());
            times.addProperty("inside_ort_ns", t.insideOrtNanos());
            times.addProperty("total_ns", t.totalNanos());
            o.add("timings", times);
        }
        return GSON.toJson(o);
    }

    /** Parses the chunk's text; every failure names {@code file} and, where it can, the field. */
    static GenerationMetadata read(String file, String json) throws MetadataException {
        return new MetadataJson(file).read(json);
    }

    private GenerationMetadata read(String json) throws MetadataException {
        JsonObject o = parse(json);
        String format = string(o, "format");
        if (!format.equals(FORMAT)) {
            throw new MetadataException(prefix + " has format \"" + (format.length() > 40 ? format.substring(0, 37) + "..."
                    : format) + "\", not \"" + FORMAT + "\".");
        }
        long version = whole(o, "format_version");
        if (version != FORMAT_VERSION) {
            throw new MetadataException(prefix + " is format version " + version + "; this version of HART Studio "
                    + "reads version " + FORMAT_VERSION + ".");
        }
        BranchInfo branch = null;
        if (!isNull(o, "branch")) {
            JsonObject b = object(o, "branch");
            JsonArray tokenArray = array(b, "branch.tokens", "tokens");
            List<List<Integer>> tokens = new ArrayList<>();
            for (int i = 0; i < tokenArray.size(); i++) {
                tokens.add(intList(tokenArray.get(i), "branch.tokens[" + i + "]"));
            }
            List<GenerationMetadata.BranchPoint> parents = new ArrayList<>();
            if (b.has("parents")) {   // only written for a branch of a branch
                JsonArray pa = array(b, "branch.parents", "parents");
                for (int i = 0; i < pa.size(); i++) {
                    String at = "branch.parents[" + i + "]";
                    if (!pa.get(i).isJsonObject()) {
                        throw new MetadataException(prefix + ": " + at + " is not an object.");
                    }
                    JsonObject po = pa.get(i).getAsJsonObject();
                    parents.add(new GenerationMetadata.BranchPoint(toInt(whole(po, at + ".from_scale", "from_scale"),
                            at + ".from_scale"), whole(po, at + ".seed", "seed")));
                }
            }
            branch = new BranchInfo(toInt(whole(b, "branch.from_scale", "from_scale"), "branch.from_scale"),
                    whole(b, "branch.original_seed", "original_seed"), tokens, parents);
        }
        StageTimes timings = null;
        if (!isNull(o, "timings")) {
            JsonObject t = object(o, "timings");
            timings = new StageTimes(whole(t, "timings.text_ns", "text_ns"),
                    longList(require(t, "timings.scale_ns", "scale_ns"), "timings.scale_ns"),
                    longList(require(t, "timings.diffusion_ns", "diffusion_ns"), "timings.diffusion_ns"),
                    whole(t, "timings.decode_ns", "decode_ns"), whole(t, "timings.preview_ns", "preview_ns"),
                    whole(t, "timings.inside_ort_ns", "inside_ort_ns"), whole(t, "timings.total_ns", "total_ns"));
        }
        JsonObject bundle = object(o, "bundle");
        try {
            return new GenerationMetadata(
                    string(o, "prompt"),
                    whole(o, "seed"),
                    toInt(whole(o, "batch_index"), "batch_index"),
                    toInt(whole(o, "batch_size"), "batch_size"),
                    decimal(o, "cfg"),
                    intList(require(o, "top_k", "top_k"), "top_k"),
                    decimal(o, "top_p"),
                    bool(o, "more_smooth"),
                    bool(o, "discrete_only"),
                    bool(o, "greedy"),
                    string(o, "preview"),
                    branch,
                    toInt(whole(o, "scales"), "scales"),
                    toInt(whole(o, "stopped_at_scale"), "stopped_at_scale"),
                    toInt(whole(o, "diffusion_steps"), "diffusion_steps"),
                    toInt(whole(o, "width"), "width"),
                    toInt(whole(o, "height"), "height"),
                    string(bundle, "bundle.name", "name"),
                    string(bundle, "bundle.sha256", "sha256"),
                    string(o, "provider"),
                    string(o, "ort_version"),
                    string(o, "rng"),
                    string(o, "app_version"),
                    timings);
        } catch (IllegalArgumentException e) {
            throw new MetadataException(prefix + " is inconsistent: " + e.getMessage() + ".", e);
        }
    }

    private JsonObject parse(String json) throws MetadataException {
        if (json.length() > MAX_CHARS) {
            throw new MetadataException(prefix + " is " + json.length() / 1024 + " KiB long, more than the "
                    + MAX_CHARS / 1024 + " KiB an image's parameters take.");
        }
        try {
            JsonGuard.check(json);
        } catch (JsonGuard.Violation e) {
            throw new MetadataException(prefix + " " + e.getMessage() + ".", e);
        }
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MetadataException(prefix + " is not valid JSON: there is more after the object.");
            }
            if (!root.isJsonObject()) {
                throw new MetadataException(prefix + " is not a JSON object.");
            }
            return root.getAsJsonObject();
        } catch (JsonParseException | IOException e) {
            throw new MetadataException(prefix + " is not valid JSON" + where(e) + ".", e);
        }
    }

    /** {@code " at line 1 column 5 (unterminated object)"} from Gson's innermost message, or that message. */
    private static String where(Throwable e) {
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        if (message == null) {
            return "";
        }
        Matcher m = LOCATION.matcher(message);
        if (!m.find()) {
            return ": " + message.lines().findFirst().orElse("");
        }
        String reason = m.group(1).replaceFirst("^[\\w.$]+(Exception|Error): ", "").strip();
        String location = " at line " + m.group(2) + " column " + m.group(3);
        if (reason.isEmpty()) {
            return location;
        }
        return location + " (" + reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1) + ")";
    }

    // Typed field access; path is the field's full name for messages.

    private JsonElement require(JsonObject parent, String path, String key) throws MetadataException {
        JsonElement e = parent.get(key);
        if (e == null) {
            throw new MetadataException(prefix + " has no \"" + path + "\".");
        }
        return e;
    }

    private boolean isNull(JsonObject parent, String key) throws MetadataException {
        return require(parent, key, key).isJsonNull();
    }

    private JsonObject object(JsonObject parent, String key) throws MetadataException {
        JsonElement e = require(parent, key, key);
        if (!e.isJsonObject()) {
            throw wrongType(key, "an object", e);
        }
        return e.getAsJsonObject();
    }

    private JsonArray array(JsonObject parent, String path, String key) throws MetadataException {
        JsonElement e = require(parent, path, key);
        if (!e.isJsonArray()) {
            throw wrongType(path, "an array", e);
        }
        return e.getAsJsonArray();
    }

    private String string(JsonObject parent, String key) throws MetadataException {
        return string(parent, key, key);
    }

    private String string(JsonObject parent, String path, String key) throws MetadataException {
        JsonElement e = require(parent, path, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(path, "a string", e);
        }
        return e.getAsString();
    }

    private boolean bool(JsonObject parent, String key) throws MetadataException {
        JsonElement e = require(parent, key, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrongType(key, "true or false", e);
        }
        return e.getAsBoolean();
    }

    private double decimal(JsonObject parent, String key) throws MetadataException {
        JsonElement e = require(parent, key, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongType(key, "a number", e);
        }
        double value = e.getAsDouble();
        if (!Double.isFinite(value)) {
            throw wrongType(key, "a finite number", e);
        }
        return value;
    }

    private long whole(JsonObject parent, String key) throws MetadataException {
        return whole(parent, key, key);
    }

    private long whole(JsonObject parent, String path, String key) throws MetadataException {
        return wholeValue(require(parent, path, key), path);
    }

    private long wholeValue(JsonElement e, String path) throws MetadataException {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(e.getAsString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException ignored) {
                // reported below
            }
        }
        throw wrongType(path, "a whole number", e);
    }

    private int toInt(long v, String path) throws MetadataException {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new MetadataException(prefix + " has \"" + path + "\" " + v + ", which is out of range.");
        }
        return (int) v;
    }

    private List<Integer> intList(JsonElement e, String path) throws MetadataException {
        List<Integer> list = new ArrayList<>();
        for (long v : longList(e, path)) {
            list.add(toInt(v, path));
        }
        return list;
    }

    private List<Long> longList(JsonElement e, String path) throws MetadataException {
        if (!e.isJsonArray()) {
            throw wrongType(path, "an array", e);
        }
        JsonArray a = e.getAsJsonArray();
        List<Long> list = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            list.add(wholeValue(a.get(i), path + "[" + i + "]"));
        }
        return list;
    }

    private MetadataException wrongType(String path, String expected, JsonElement found) {
        String shown = found.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 37) + "...";
        }
        return new MetadataException(prefix + " has \"" + path + "\" " + shown + ", which is not " + expected + ".");
    }

    private static JsonArray ints(List<Integer> values) {
        JsonArray a = new JsonArray(values.size());
        values.forEach(v -> a.add(new JsonPrimitive(v)));
        return a;
    }

    private static JsonArray longs(List<Long> values) {
        JsonArray a = new JsonArray(values.size());
        values.forEach(v -> a.add(new JsonPrimitive(v)));
        return a;
    }
}
