package dev.hartstudio.bundle;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about a Hugging Face {@code tokenizer.json} that the tokenizer library does not expose. */
public final class TokenizerFacts {

    private TokenizerFacts() {
    }

    /**
     * The model's unknown token ({@code model.unk_token}), the token that words outside a word-level
     * vocabulary become; empty for byte-level BPE tokenizers (Qwen2's), which have none. Streams the
     * file (a real vocabulary is megabytes) and stops at the value.
     */
    public static Optional<String> unknownToken(Path tokenizerJson) throws BundleException {
        try (Reader in = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8);
             JsonReader json = new JsonReader(in)) {
            json.beginObject();
            while (json.hasNext()) {
                if (!json.nextName().equals("model") || json.peek() != JsonToken.BEGIN_OBJECT) {
                    json.skipValue();
                    continue;
                }
                json.beginObject();
                while (json.hasNext()) {
                    if (json.nextName().equals("unk_token") && json.peek() == JsonToken.STRING) {
                        return Optional.of(json.nextString());
                    }
                    json.skipValue();
                }
                return Optional.empty();
            }
            return Optional.empty();
        } catch (IOException | IllegalStateException e) {
            throw new BundleException(tokenizerJson.getFileName() + " could not be read as a tokenizer: " + e.getMessage(), e);
        }
    }
}
