package dev.hartstudio.persistence.png;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Key: value} pairs of an A1111 parameters line, as A1111's regular expression
 * {@code \s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)} finds them (Unicode classes), but
 * in one pass: that expression, run with {@code find()}, takes time quadratic in a long run of word
 * characters without a colon, and Java's matcher recurses once per character of a quoted value, so a
 * long one overflows the stack. InfoTextTest checks this scanner against the expression.
 */
final class Params {

    private Params() {
    }

    /** Each pair as {@code {key, raw value}}; the value still quoted when it was, as the expression gives it. */
    static List<String[]> of(String s) {
        List<String[]> out = new ArrayList<>();
        int n = s.length();
        int p = 0;
        while (p < n) {
            int keyStart = -1;
            int keyEnd = -1;
            int i = p;
            while (i < n && keyStart < 0) {
                int c = s.codePointAt(i);
                if (!inKey(c)) {
                    i += Character.charCount(c);
                    continue;
                }
                int e = i;
                while (e < n && inKey(s.codePointAt(e))) {
                    e += Character.charCount(s.codePointAt(e));
                }
                if (e < n && s.charAt(e) == ':') {
                    // Every start in the run ends at e: the leftmost word character with one more key character after it.
                    for (int k = i; k < e; k += Character.charCount(s.codePointAt(k))) {
                        if (isWord(s.codePointAt(k)) && k + Character.charCount(s.codePointAt(k)) < e) {
                            keyStart = k;
                            keyEnd = e;
                            break;
                        }
                    }
                }
                i = e;
            }
            if (keyStart < 0) {
                break;
            }
            int v = keyEnd + 1;
            while (v < n && isSpace(s.codePointAt(v))) {
                v += Character.charCount(s.codePointAt(v));
            }
            int q = quotedEnd(s, v);
            int valueEnd;
            int next;
            if (q >= 0) {
                valueEnd = q;
                next = q < n && s.charAt(q) == ',' ? q + 1 : q;
            } else {
                int comma = s.indexOf(',', v);
                valueEnd = comma < 0 ? n : comma;
                next = comma < 0 ? n : comma + 1;
            }
            out.add(new String[] {s.substring(keyStart, keyEnd), s.substring(v, valueEnd)});
            p = next;
        }
        return out;
    }

    /** The end of {@code "(?:\\.|[^\\"])+"} at {@code v} when a comma or the end follows it, else -1. */
    private static int quotedEnd(String s, int v) {
        int n = s.length();
        if (v >= n || s.charAt(v) != '"') {
            return -1;
        }
        int j = v + 1;
        int parts = 0;
        while (j < n) {
            char c = s.charAt(j);
            if (c == '\\' && j + 1 < n && !isLineTerminator(s.codePointAt(j + 1))) {
                j += 1 + Character.charCount(s.codePointAt(j + 1));
            } else if (c != '\\' && c != '"') {
                j += Character.charCount(s.codePointAt(j));
            } else {
                break;
            }
            parts++;
        }
        if (parts == 0 || j >= n || s.charAt(j) != '"') {
            return -1;
        }
        int q = j + 1;
        return q < n && s.charAt(q) == ',' || atEnd(s, q) ? q : -1;
    }

    /** Where {@code $} matches without MULTILINE: the end, or before a line terminator that ends the text. */
    private static boolean atEnd(String s, int q) {
        int n = s.length();
        return q == n
                || q == n - 1 && isLineTerminator(s.charAt(q))
                || q == n - 2 && s.charAt(q) == '\r' && s.charAt(q + 1) == '\n';
    }

    /** What {@code .} does not match without DOTALL. */
    private static boolean isLineTerminator(int c) {
        return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** {@code [\w \-/]}. */
    private static boolean inKey(int c) {
        return c == ' ' || c == '-' || c == '/' || isWord(c);
    }

    /** Unicode {@code \w}, as java.util.regex defines it with UNICODE_CHARACTER_CLASS. */
    private static boolean isWord(int c) {
        int word = (1 << Character.NON_SPACING_MARK) | (1 << Character.ENCLOSING_MARK)
                | (1 << Character.COMBINING_SPACING_MARK) | (1 << Character.DECIMAL_DIGIT_NUMBER)
                | (1 << Character.CONNECTOR_PUNCTUATION);
        return Character.isAlphabetic(c) || ((word >> Character.getType(c)) & 1) != 0 || c == 0x200C || c == 0x200D;
    }

    /** Unicode {@code \s}, as java.util.regex defines it with UNICODE_CHARACTER_CLASS. */
    private static boolean isSpace(int c) {
        int space = (1 << Character.SPACE_SEPARATOR) | (1 << Character.LINE_SEPARATOR)
                | (1 << Character.PARAGRAPH_SEPARATOR);
        return ((space >> Character.getType(c)) & 1) != 0 || c >= 0x9 && c <= 0xD || c == 0x85;
    }
}
