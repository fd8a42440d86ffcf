package dev.hartstudio.bundle;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A streaming pass over JSON text, run before it is parsed into a tree, that refuses what a strict
 * parser accepts but a file from elsewhere should not carry: nesting deeper than a limit, a key twice
 * in one object (which readers resolve differently), and numbers too long to convert in linear time.
 * Syntax errors are left to the parser, which reports them with their place.
 */
public final class JsonGuard {

    /** Nesting limit for this app's JSON files: theirs is at most 5 deep. */
    public static final int MAX_DEPTH = 64;

    /** Longest number token accepted; a long has 19 digits, a double's shortest form at most 24 characters. */
    public static final int MAX_NUMBER_CHARS = 100;

    private static final Pattern LOCATION = Pattern.compile("line (\\d+) column (\\d+)");
    private static final Object ARRAY = new Object();

    /** What the pass refused; the message is a clause such as {@code has the key "seed" twice in one object (line 3, column 9)}. */
    public static final class Violation extends Exception {

        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }
    }

    private JsonGuard() {
    }

    /**
     * Checks {@code text}; returns normally when it is within the limits or not valid JSON at all.
     *
     * @throws Violation naming the limit and the place (line and column) where it was passed
     */
    public static void check(String text) throws Violation {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        Deque<Object> open = new ArrayDeque<>();
        try {
            do {
                step(reader, open);
            } while (!open.isEmpty());
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Not valid JSON: the parser that follows says where and why.
        }
    }

    private static void step(JsonReader reader, Deque<Object> open) throws IOException, Violation {
        JsonToken token = reader.peek();
        switch (token) {
            case BEGIN_OBJECT:
            case BEGIN_ARRAY:
                if (open.size() >= MAX_DEPTH) {
                    throw new Violation("nests objects and lists more than " + MAX_DEPTH + " deep (" + where(reader, 1)
                            + ")");
                }
                if (token == JsonToken.BEGIN_OBJECT) {
                    reader.beginObject();
                    open.push(new HashSet<String>());
                } else {
                    reader.beginArray();
                    open.push(ARRAY);
                }
                break;
            case END_OBJECT:
                reader.endObject();
                open.pop();
                break;
            case END_ARRAY:
                reader.endArray();
                open.pop();
                break;
            case NAME:
                String name = reader.nextName();
                @SuppressWarnings("unchecked")
                Set<String> keys = (Set<String>) open.peek();
                if (!keys.add(name)) {
                    throw new Violation("has the key \"" + shorten(name) + "\" twice in one object (" + where(reader, name.length() + 1)
                            + ")");
                }
                break;
            case NUMBER:
                String number = reader.nextString();
                if (number.length() > MAX_NUMBER_CHARS) {
                    throw new Violation("has a number of " + number.length() + " characters, more than "
                            + MAX_NUMBER_CHARS + " (" + where(reader, number.length()) + ")");
                }
                break;
            case END_DOCUMENT:
                open.clear();
                break;
            default:
                reader.skipValue();
                break;
        }
    }

    /** Line and column of the token just read, {@code length} characters long (the reader stands after it). */
    private static String where(JsonReader reader, int length) {
        Matcher m = LOCATION.matcher(reader.toString());
        if (!m.find()) {
            return "at the end";
        }
        return "line " + m.group(1) + ", column " + Math.max(1, Long.parseLong(m.group(2)) - length);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
