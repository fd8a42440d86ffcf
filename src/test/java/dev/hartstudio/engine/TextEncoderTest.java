package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.TextConfig;
import dev.hartstudio.testing.SyntheticBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected ids come from the Python tokenizers library on the same tokenizer.json. */
class TextEncoderTest {

    @TempDir
    Path dir;

    private Path tokenizer;

    @BeforeEach
    void writeTokenizer() throws Exception {
        tokenizer = dir.resolve("tokenizer.json");
        Files.writeString(tokenizer, SyntheticBundle.TOKENIZER_JSON);
    }

    private static TextConfig text(int maxTokens, String paddingSide) {
        return new TextConfig("tokenizer.json", null, maxTokens, paddingSide, 0, false, "tiny");
    }

    @Test
    void tokenisesLikeHuggingFace() throws Exception {
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text(10, "right"), null)) {
            assertArrayEquals(new long[] {2, 3, 4, 10, 7, 8, 9, 11}, encoder.tokenize("A red circle, on the LEFT."));
            assertArrayEquals(new long[] {1, 1}, encoder.tokenize("purple thing"));
        }
    }

    @Test
    void padsRightAndCountsPositionsOverThePrompt() throws Exception {
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text(6, "right"), null)) {
            TokenizedPrompts p = encoder.encode(List.of("blue square", "a red circle on the left"));
            assertEquals(2, p.rows());
            assertEquals(0, p.systemTokens());
            assertEquals(6, p.sequenceLength());
            assertArrayEquals(new long[] {5, 6, 0, 0, 0, 0, 2, 3, 4, 7, 8, 9}, p.inputIds());
            assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, p.attentionMask());
            assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, p.promptMask());
            assertArrayEquals(new long[] {0, 1, 1, 1, 1, 1, 0, 1, 2, 3, 4, 5}, p.positions());
        }
    }

    @Test
    void truncatesLongPromptsToMaxTokens() throws Exception {
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text(3, "right"), null)) {
            assertArrayEquals(new long[] {2, 3, 4}, encoder.encode(List.of("a red circle on the left")).inputIds());
        }
    }

    @Test
    void systemPromptComesFirstUnpaddedWithMaskOne() throws Exception {
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text(4, "right"), "on the left")) {
            TokenizedPrompts p = encoder.encode(List.of("red circle"));
            assertEquals(3, p.systemTokens());
            assertEquals(7, p.sequenceLength());
            assertArrayEquals(new long[] {7, 8, 9, 3, 4, 0, 0}, p.inputIds());
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 0, 0}, p.attentionMask());
            assertArrayEquals(new long[] {1, 1, 0, 0}, p.promptMask());
            assertArrayEquals(new long[] {0, 1, 1, 1}, p.positions());
        }
    }

    @Test
    void leftPaddingGivesPadsPositionMinusOne() throws Exception {
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text(4, "left"), null)) {
            TokenizedPrompts p = encoder.encode(List.of("blue square"));
            assertArrayEquals(new long[] {0, 0, 5, 6}, p.inputIds());
            assertArrayEquals(new long[] {-1, -1, 0, 1}, p.positions());
        }
    }

    @Test
    void emptyPromptIsAllPadding() throws Exception {
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text(3, "right"), null)) {
            TokenizedPrompts p = encoder.encode(List.of(""));
            assertArrayEquals(new long[] {0, 0, 0}, p.inputIds());
            assertArrayEquals(new long[] {-1, -1, -1}, p.positions());
        }
    }

    @Test
    void opensFromABundleWithItsSystemPrompt() throws Exception {
        Bundle bundle = Bundle.open(SyntheticBundle.create(dir.resolve("bundle")).dir());
        try (TextEncoder encoder = TextEncoder.open(bundle)) {
            TokenizedPrompts p = encoder.encode(List.of("blue"));
            assertArrayEquals(new long[] {2, 3, 4, 5, 0, 0, 0}, p.inputIds());
        }
    }

    @Test
    void djlIsForcedOffline() throws Exception {
        TextEncoder.open(tokenizer, text(3, "right"), null).close();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    }

    @Test
    void missingTokenizerFileIsAnEngineError() {
        org.junit.jupiter.api.Assertions.assertThrows(EngineException.class,
                () -> TextEncoder.open(dir.resolve("nope.json"), text(3, "right"), null));
    }
}
