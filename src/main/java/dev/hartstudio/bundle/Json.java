package dev.hartstudio.bundle;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, path-aware reads from a parsed JSON file; every failure is a {@link BundleException} whose
 * message names the file and the field, e.g. {@code manifest.json: model.depth is missing}.
 */
final class Json {

    private static final Pattern LOCATION = Pattern.compile("(.*?) at line (\\d+) column (\\d+)", Pattern.DOTALL);

    private final String file;

    Json(String file) {
        this.file = file;
    }

    /** Parses strict JSON (no comments, no trailing content); errors give line and column. */
    JsonElement parse(byte[] utf8) throws BundleException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BundleException(file + " is not valid UTF-8 text.", e);
        }
        try {
            JsonGuard.check(text);
        } catch (JsonGuard.Violation e) {
            throw new BundleException(file + " " + e.getMessage() + ".", e);
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new BundleException(file + " is not valid JSON: unexpected content after the top-level value at "
                        + location(reader) + ".");
            }
            return root;
        } catch (JsonParseException | IOException e) {
            throw new BundleException(file + " is not valid JSON: " + describe(e) + ".", e);
        }
    }

    JsonObject rootObject(JsonElement root) throws BundleException {
        if (!root.isJsonObject()) {
            throw new BundleException(file + ": the top level must be a JSON object.");
        }
        return root.getAsJsonObject();
    }

    JsonObject object(JsonObject parent, String parentPath, String key) throws BundleException {
        JsonElement e = require(parent, parentPath, key);
        if (!e.isJsonObject()) {
            throw wrongType(path(parentPath, key), "an object", e);
        }
        return e.getAsJsonObject();
    }

    JsonArray array(JsonObject parent, String parentPath, String key) throws BundleException {
        JsonElement e = require(parent, parentPath, key);
        if (!e.isJsonArray()) {
            throw wrongType(path(parentPath, key), "a list", e);
        }
        return e.getAsJsonArray();
    }

    String string(JsonObject parent, String parentPath, String key) throws BundleException {
        return string(require(parent, parentPath, key), path(parentPath, key));
    }

    String string(JsonElement e, String path) throws BundleException {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(path, "a string", e);
        }
        return e.getAsString();
    }

    /** A string, or null when the key is absent or JSON null. */
    String optionalString(JsonObject parent, String parentPath, String key) throws BundleException {
        JsonElement e = parent.get(key);
        return e == null || e.isJsonNull() ? null : string(e, path(parentPath, key));
    }

    boolean bool(JsonObject parent, String parentPath, String key) throws BundleException {
        JsonElement e = require(parent, parentPath, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrongType(path(parentPath, key), "true or false", e);
        }
        return e.getAsBoolean();
    }

    double number(JsonObject parent, String parentPath, String key) throws BundleException {
        return number(require(parent, parentPath, key), path(parentPath, key));
    }

    double number(JsonElement e, String path) throws BundleException {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongType(path, "a number", e);
        }
        double value = e.getAsDouble();
        if (!Double.isFinite(value)) {
            throw wrongType(path, "a finite number", e);
        }
        return value;
    }

    long integer(JsonObject parent, String parentPath, String key, long min) throws BundleException {
        return integer(require(parent, parentPath, key), path(parentPath, key), min);
    }

    long integer(JsonElement e, String path, long min) throws BundleException {
        String what = min == 1 ? "a positive integer" : min == 0 ? "a non-negative integer" : "an integer >= " + min;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongType(path, what, e);
        }
        long value;
        try {
            value = new BigDecimal(e.getAsString()).longValueExact();
        } catch (ArithmeticException | NumberFormatException ex) {
            throw wrongType(path, what, e);
        }
        if (value < min) {
            throw wrongType(path, what, e);
        }
        return value;
    }

    int intValue(JsonObject parent, String parentPath, String key, int min) throws BundleException {
        return toInt(integer(parent, parentPath, key, min), path(parentPath, key));
    }

    List<Integer> intList(JsonObject parent, String parentPath, String key, int min) throws BundleException {
        String path = path(parentPath, key);
        JsonArray array = array(parent, parentPath, key);
        List<Integer> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String itemPath = path + "[" + i + "]";
            out.add(toInt(integer(array.get(i), itemPath, min), itemPath));
        }
        return out;
    }

    double[] doubles(JsonElement e, String path) throws BundleException {
        if (!e.isJsonArray()) {
            throw wrongType(path, "a list of numbers", e);
        }
        JsonArray array = e.getAsJsonArray();
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(array.get(i), path + "[" + i + "]");
        }
        return out;
    }

    BundleException error(String path, String problem) {
        return new BundleException(file + ": " + abbreviate(path, 120) + " " + abbreviate(problem, 300) + ".");
    }

    /** {@code text}, or its start and end around "…" when longer than {@code max}: a hostile value stays readable. */
    static String abbreviate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int head = max * 2 / 3;
        int tail = max - head - 1;
        return text.substring(0, head) + "…" + text.substring(text.length() - tail);
    }

    /** A list for a message: all of it when short, else its first entries and its length. */
    static String list(List<?> values) {
        if (values.size() <= 12) {
            return abbreviate(values.toString(), 200);
        }
        return abbreviate(values.subList(0, 12).toString().replaceFirst("]$", ""), 200) + ", … (" + values.size()
                + " in all)]";
    }

    BundleException wrongType(String path, String expected, JsonElement found) {
        return error(path, "must be " + expected + ", got " + shorten(found));
    }

    static String path(String parentPath, String key) {
        return parentPath.isEmpty() ? key : parentPath + "." + key;
    }

    private JsonElement require(JsonObject parent, String parentPath, String key) throws BundleException {
        JsonElement e = parent.get(key);
        if (e == null || e.isJsonNull()) {
            throw error(path(parentPath, key), "is missing");
        }
        return e;
    }

    private int toInt(long value, String path) throws BundleException {
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw error(path, "is too large (" + value + ")");
        }
        return (int) value;
    }

    private static String shorten(JsonElement e) {
        String s = e instanceof JsonPrimitive || e.isJsonNull() ? e.toString() : e.isJsonArray() ? "a list" : "an object";
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Gson says "Unterminated object at line 3 column 5 path $.model" (+ a link); keep reason and place. */
    private static String describe(Exception e) {
        Throwable t = e.getCause() instanceof IOException ? e.getCause() : e;
        String message = String.valueOf(t.getMessage());
        Matcher m = LOCATION.matcher(message);
        if (m.find()) {
            String reason = m.group(1).trim();
            return lowerFirst(reason) + " at line " + m.group(2) + ", column " + m.group(3);
        }
        String firstLine = message.lines().findFirst().orElse(message);
        return lowerFirst(firstLine);
    }

    private static String location(JsonReader reader) {
        Matcher m = Pattern.compile("line (\\d+) column (\\d+)").matcher(reader.toString());
        return m.find() ? "line " + m.group(1) + ", column " + m.group(2) : "the end";
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
