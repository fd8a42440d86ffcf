package dev.hartstudio.engine;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.bundle.TextConfig;
import dev.hartstudio.bundle.TokenizerFacts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tokenises prompts with the bundle's Hugging Face {@code tokenizer.json} (DJL, offline) the way
 * the official code does (HART-INFERENCE 2.1): each prompt alone, truncated to {@code T} tokens and
 * padded to exactly {@code T}; the system prompt, if any, tokenised alone (truncated to {@code T},
 * unpadded) and prepended to every row.
 */
public final class TextEncoder implements AutoCloseable {

    static {
        forceOffline();
    }

    private final HuggingFaceTokenizer tokenizer;
    private final TextConfig text;
    private final long[] systemIds;
    private final Optional<String> unknownToken;
    private boolean closed;

    private TextEncoder(HuggingFaceTokenizer tokenizer, TextConfig text, long[] systemIds, Optional<String> unknownToken) {
        this.tokenizer = tokenizer;
        this.text = text;
        this.systemIds = systemIds;
        this.unknownToken = unknownToken;
    }

    /**
     * Stops DJL from phoning home or downloading native builds: it would otherwise make telemetry
     * connections at start-up. Called before DJL is first used; callable again at no cost.
     */
    public static void forceOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /** The encoder for {@code bundle}'s tokenizer, text settings and system prompt. */
    public static TextEncoder open(Bundle bundle) throws EngineException {
        return open(bundle.tokenizerFile(), bundle.manifest().text(), bundle.systemPrompt().orElse(null));
    }

    /**
     * @param tokenizerJson a Hugging Face {@code tokenizer.json}
     * @param systemPrompt text prepended to every prompt, or null
     */
    public static TextEncoder open(Path tokenizerJson, TextConfig text, String systemPrompt) throws EngineException {
        forceOffline();
        Optional<String> unknownToken;
        try {
            unknownToken = TokenizerFacts.unknownToken(tokenizerJson);
        } catch (BundleException e) {
            throw new EngineException(e.getMessage(), e);
        }
        HuggingFaceTokenizer tokenizer;
        try {
            // Padding and truncation are done here, as the official code does them, not by the tokenizer.
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", Boolean.toString(text.addSpecialTokens()),
                    "padding", "false",
                    "truncation", "false"));
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new EngineException(tokenizerJson.getFileName() + " could not be loaded as a tokenizer: "
                    + e.getMessage(), e);
        }
        if (systemPrompt == null) {
            return new TextEncoder(tokenizer, text, new long[0], unknownToken);
        }
        try {
            return new TextEncoder(tokenizer, text, ids(tokenizer, text, systemPrompt), unknownToken);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw new EngineException("The system prompt could not be tokenised: " + e.getMessage(), e);
        }
    }

    /** {@code S}, the number of system prompt tokens prepended to every row. */
    public int systemTokens() {
        return systemIds.length;
    }

    /** The token ids of one prompt, truncated to {@code T} but not padded. */
    public synchronized long[] tokenize(String prompt) {
        if (closed) {
            throw new IllegalStateException("text encoder is closed");
        }
        return ids(tokenizer, text, prompt);
    }

    /**
     * What the model will read of {@code prompt}: token count, the kept part, unknown words, or why
     * it is refused. Cheap (one tokenisation); safe to call while a generation runs.
     */
    public synchronized PromptCheck check(String prompt) {
        if (closed) {
            throw new IllegalStateException("text encoder is closed");
        }
        int t = text.maxPromptTokens();
        Optional<String> refusal = PromptCheck.refusalOf(prompt);
        if (refusal.isPresent()) {
            return new PromptCheck(0, t, "", List.of(), refusal);
        }
        Encoding e = tokenizer.encode(prompt, text.addSpecialTokens(), false);
        long[] ids = e.getIds();
        String[] tokens = e.getTokens();
        CharSpan[] spans = e.getCharTokenSpans();
        // Spans count code points (as Python's offsets do), not UTF-16 units.
        int[] cps = prompt.codePoints().toArray();
        String kept = prompt;
        if (ids.length > t) {
            int end = 0;
            for (int i = t - 1; i >= 0; i--) {
                if (spans[i] != null) {
                    end = spans[i].getEnd();
                    break;
                }
            }
            kept = new String(cps, 0, Math.min(end, cps.length));
        }
        Set<String> unknown = new LinkedHashSet<>();
        if (unknownToken.isPresent()) {
            for (int i = 0; i < tokens.length; i++) {
                if (unknownToken.get().equals(tokens[i]) && spans[i] != null) {
                    int from = Math.min(spans[i].getStart(), cps.length);
                    int to = Math.min(spans[i].getEnd(), cps.length);
                    unknown.add(new String(cps, from, to - from));
                }
            }
        }
        return new PromptCheck(ids.length, t, kept, new ArrayList<>(unknown), Optional.empty());
    }

    private static long[] ids(HuggingFaceTokenizer tokenizer, TextConfig text, String prompt) {
        long[] ids = tokenizer.encode(prompt, text.addSpecialTokens(), false).getIds();
        return ids.length > text.maxPromptTokens() ? Arrays.copyOf(ids, text.maxPromptTokens()) : ids;
    }

    /** Tokenises {@code prompts} (one row each); see {@link TokenizedPrompts} for the layout. */
    public TokenizedPrompts encode(List<String> prompts) throws EngineException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is needed");
        }
        int n = prompts.size();
        int s = systemIds.length;
        int t = text.maxPromptTokens();
        int l = s + t;
        long pad = text.padTokenId();
        long[] inputIds = new long[n * l];
        long[] attention = new long[n * l];
        long[] promptMask = new long[n * t];
        long[] positions = new long[n * t];
        for (int row = 0; row < n; row++) {
            Optional<String> refusal = PromptCheck.refusalOf(prompts.get(row));
            if (refusal.isPresent()) {
                throw new EngineException(n == 1 ? refusal.get() : "Prompt " + (row + 1) + ": " + refusal.get());
            }
            long[] ids;
            try {
                ids = tokenize(prompts.get(row));
            } catch (RuntimeException e) {
                throw new EngineException("Prompt " + (row + 1) + " could not be tokenised: " + e.getMessage(), e);
            }
            long[] slots = new long[t];
            Arrays.fill(slots, pad);
            System.arraycopy(ids, 0, slots, text.padsLeft() ? t - ids.length : 0, ids.length);
            for (int j = 0; j < s; j++) {
                inputIds[row * l + j] = systemIds[j];
                attention[row * l + j] = 1;
            }
            long seen = 0;
            for (int j = 0; j < t; j++) {
                long mask = slots[j] != pad ? 1 : 0;
                seen += mask;
                inputIds[row * l + s + j] = slots[j];
                attention[row * l + s + j] = mask;
                promptMask[row * t + j] = mask;
                positions[row * t + j] = seen - 1;
            }
        }
        return new TokenizedPrompts(n, s, t, inputIds, attention, promptMask, positions);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
        }
    }
}
