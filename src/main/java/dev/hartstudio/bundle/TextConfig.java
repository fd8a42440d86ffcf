package dev.hartstudio.bundle;

/**
 * manifest.json {@code text}: how prompts become text-encoder inputs (HART-INFERENCE 2.1).
 *
 * @param tokenizer file name of the Hugging Face {@code tokenizer.json}
 * @param systemPrompt file name of the system prompt, or null when the bundle has none
 * @param maxPromptTokens {@code T}: prompts are truncated and padded to this many tokens
 * @param paddingSide {@code "right"} or {@code "left"}
 * @param padTokenId id used for padding; prompt tokens equal to it get mask 0
 * @param addSpecialTokens whether the tokenizer adds its special tokens
 * @param encoder {@code "tiny"} or {@code "qwen2"}
 */
public record TextConfig(
        String tokenizer,
        String systemPrompt,
        int maxPromptTokens,
        String paddingSide,
        long padTokenId,
        boolean addSpecialTokens,
        String encoder) {

    public boolean padsLeft() {
        return "left".equals(paddingSide);
    }
}
