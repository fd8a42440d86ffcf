package dev.hartstudio.engine;

/**
 * Prompts turned into text-encoder inputs and HART's text conditioning (HART-INFERENCE 2.1). With
 * {@code N} rows, {@code S} system-prompt tokens and {@code T} prompt slots, all arrays are int64
 * row-major:
 *
 * @param rows {@code N}
 * @param systemTokens {@code S} (0 without a system prompt)
 * @param promptTokens {@code T}, the padded prompt length ({@code max_prompt_tokens})
 * @param inputIds {@code [N, S+T]}: system prompt tokens, then the padded prompt
 * @param attentionMask {@code [N, S+T]}: 1 over the system prompt, then {@code promptMask}
 * @param promptMask {@code [N, T]}: 1 where the prompt token is not the pad id
 * @param positions {@code [N, T]}: {@code cumsum(promptMask) − 1} over the prompt slots only
 */
public record TokenizedPrompts(
        int rows,
        int systemTokens,
        int promptTokens,
        long[] inputIds,
        long[] attentionMask,
        long[] promptMask,
        long[] positions) {

    /** {@code S + T}, the text encoder's sequence length. */
    public int sequenceLength() {
        return systemTokens + promptTokens;
    }
}
