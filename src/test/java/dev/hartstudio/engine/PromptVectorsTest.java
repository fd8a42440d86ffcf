package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hartstudio.bundle.TextConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hard prompts (too long, control characters, right-to-left marks, emoji, broken surrogates,
 * unknown words) against the answers of the Python reference, written by
 * {@code python -m hart_export.prompt_vectors}: token ids, count, kept part, unknown words,
 * refusal and message identical, for a word-level and a byte-level BPE tokenizer.
 */
class PromptVectorsTest {

    static final Path VECTORS = Path.of("src/test/resources/prompt-vectors/vectors.json");

    static Stream<Arguments> vectors() throws Exception {
        JsonObject doc = JsonParser.parseString(Files.readString(VECTORS, StandardCharsets.UTF_8)).getAsJsonObject();
        List<Arguments> out = new ArrayList<>();
        for (JsonElement t : doc.getAsJsonArray("tokenizers")) {
            JsonObject tok = t.getAsJsonObject();
            int i = 0;
            for (JsonElement v : tok.getAsJsonArray("vectors")) {
                out.add(Arguments.of(tok.get("name").getAsString() + " #" + i++, Path.of(tok.get("file").getAsString()),
                        tok.get("max_tokens").getAsInt(), tok.get("pad_id").getAsLong(), v.getAsJsonObject()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void javaReadsEachPromptAsPythonDoes(String name, Path tokenizer, int maxTokens, long pad, JsonObject v)
            throws Exception {
        String prompt = v.get("prompt").getAsString();
        TextConfig text = new TextConfig(tokenizer.getFileName().toString(), null, maxTokens, "right", pad, false, "tiny");
        try (TextEncoder encoder = TextEncoder.open(tokenizer, text, null)) {
            PromptCheck c = encoder.check(prompt);
            assertEquals(v.get("tokens").getAsInt(), c.tokens(), "tokens");
            assertEquals(v.get("truncated").getAsBoolean(), c.truncated(), "truncated");
            assertEquals(v.get("kept").getAsString(), c.kept(), "kept");
            List<String> unknown = new ArrayList<>();
            v.getAsJsonArray("unknown").forEach(u -> unknown.add(u.getAsString()));
            assertEquals(unknown, c.unknown(), "unknown");
            assertEquals(optional(v, "refusal"), c.refusal(), "refusal");
            assertEquals(optional(v, "message"), c.message(), "message");
            if (c.refusal().isPresent()) {
                EngineException e = assertThrows(EngineException.class, () -> encoder.encode(List.of(prompt)));
                assertEquals(c.refusal().get(), e.getMessage());
            } else {
                long[] ids = new long[v.getAsJsonArray("ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = v.getAsJsonArray("ids").get(i).getAsLong();
                }
                assertArrayEquals(ids, encoder.tokenize(prompt), "ids");
                assertTrue(ids.length <= maxTokens);
            }
        }
    }

    private static Optional<String> optional(JsonObject v, String key) {
        return v.get(key).isJsonNull() ? Optional.empty() : Optional.of(v.get(key).getAsString());
    }
}
