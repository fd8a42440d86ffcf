package dev.hartstudio.engine;

import java.util.List;
import java.util.Optional;

/**
 * What the model will read of one prompt, told before generating: how many tokens it has, the part
 * that survives truncation to {@code maxTokens}, the words the tokenizer does not know, and why it
 * is refused, if it is. The Python reference ({@code hart_export.prompt.PromptEncoder.check})
 * computes the same values; {@code prompt-vectors.json} holds both sides to it.
 *
 * @param tokens    the prompt's token count before truncation
 * @param maxTokens {@code T}, the tokens the model reads
 * @param kept      the prompt's text up to the end of the last kept token (the whole prompt when it fits)
 * @param unknown   text spans the tokenizer maps to its unknown token, distinct, in order (empty for
 *                  byte-level tokenizers such as Qwen2's, which know every input)
 * @param refusal   the sentence that says why the prompt cannot be used, if it cannot
 */
public record PromptCheck(int tokens, int maxTokens, String kept, List<String> unknown, Optional<String> refusal) {

    /** A message lists at most this many unknown words, each cut to {@link #SHOWN_WORD} characters. */
    static final int SHOWN_WORDS = 8;
    static final int SHOWN_WORD = 24;

    public PromptCheck {
        unknown = List.copyOf(unknown);
    }

    /** True when tokens past {@code maxTokens} are dropped. */
    public boolean truncated() {
        return tokens > maxTokens;
    }

    /** The one sentence a user sees about this prompt, or empty when there is nothing to say. */
    public Optional<String> message() {
        if (refusal.isPresent()) {
            return refusal;
        }
        StringBuilder sb = new StringBuilder();
        if (truncated()) {
            sb.append("The prompt is ").append(tokens).append(" tokens long; the model reads only the first ")
                    .append(maxTokens).append(", so it sees: \"").append(kept).append('"');
        }
        if (!unknown.isEmpty()) {
            if (sb.length() > 0) {
                sb.append(". ");
            }
            sb.append("The model does not know ").append(unknown.size() == 1 ? "the word " : "the words ");
            for (int i = 0; i < Math.min(unknown.size(), SHOWN_WORDS); i++) {
                String w = unknown.get(i);
                if (w.codePointCount(0, w.length()) > SHOWN_WORD) {
                    w = w.substring(0, w.offsetByCodePoints(0, SHOWN_WORD)) + "\u2026";
                }
                sb.append(i == 0 ? "" : ", ").append('"').append(visible(w)).append('"');
            }
            if (unknown.size() > SHOWN_WORDS) {
                sb.append(" and ").append(unknown.size() - SHOWN_WORDS).append(" more");
            }
            sb.append(unknown.size() == 1 ? "; it is read as an unknown word" : "; they are read as unknown words");
        }
        return sb.length() == 0 ? Optional.empty() : Optional.of(sb.append('.').toString());
    }

    /**
     * Why {@code prompt} cannot be tokenised identically everywhere, or empty: an unpaired UTF-16
     * surrogate (not text; Python cannot even hold it as UTF-8) or a control character other than
     * tab, line feed and carriage return (invisible, and tokenised differently by different
     * tokenizers). Positions count characters (code points) from 1.
     */
    public static Optional<String> refusalOf(String prompt) {
        int position = 0;
        for (int i = 0; i < prompt.length(); ) {
            int cp = prompt.codePointAt(i);
            position++;
            if (Character.isSurrogate((char) cp) && Character.charCount(cp) == 1) {
                return Optional.of("The prompt has a broken character at position " + position + " (" + hex(cp)
                        + ", half of a surrogate pair, not text); retype that part of the prompt.");
            }
            if (isRefusedControl(cp)) {
                return Optional.of("The prompt contains the invisible control character " + hex(cp) + " at position "
                        + position + "; remove it (tabs and line breaks are fine).");
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    static boolean isRefusedControl(int cp) {
        return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
    }

    /** {@code U+XXXX}, at least four hex digits. */
    static String hex(int cp) {
        return String.format("U+%04X", cp);
    }

    /** Shows format characters such as right-to-left marks, which are otherwise invisible, by code. */
    static String visible(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.FORMAT) {
                sb.append(hex(cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
