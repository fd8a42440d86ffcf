package dev.hartstudio.engine.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks every vector of docs/rng-test-vectors.json, the contract shared with the Python sampler. */
class PortableRngVectorsTest {

    private static final Path VECTORS = Path.of("docs/rng-test-vectors.json");

    static Stream<JsonObject> mix64Vectors() throws IOException {
        return objects("mix64");
    }

    static Stream<JsonObject> keyVectors() throws IOException {
        return objects("keys");
    }

    @ParameterizedTest
    @MethodSource("mix64Vectors")
    void mix64MatchesVector(JsonObject v) {
        assertEquals(unsigned(v, "out"), PortableRng.mix64(unsigned(v, "in")));
    }

    @ParameterizedTest
    @MethodSource("keyVectors")
    void keyMatchesVector(JsonObject v) {
        assertEquals(unsigned(v, "key"), key(v));
    }

    @ParameterizedTest
    @MethodSource("keyVectors")
    void wordsMatchVector(JsonObject v) {
        List<Long> expected = new ArrayList<>();
        for (JsonElement e : v.getAsJsonArray("words")) {
            expected.add(Long.parseUnsignedLong(e.getAsString()));
        }
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), PortableRng.word(key(v), i), "word " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("keyVectors")
    void u53IsBitExact(JsonObject v) {
        JsonArray expected = v.getAsJsonArray("u53");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getAsDouble(), PortableRng.u53(PortableRng.word(key(v), i)), "u53 " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("keyVectors")
    void uopenIsBitExact(JsonObject v) {
        JsonArray expected = v.getAsJsonArray("uopen");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getAsDouble(), PortableRng.uopen(PortableRng.word(key(v), i)), "uopen " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("keyVectors")
    void exp1IsBitExact(JsonObject v) {
        JsonArray expected = v.getAsJsonArray("exp1");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getAsDouble(), PortableRng.exp1(PortableRng.word(key(v), i)), "exp1 " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("keyVectors")
    void normalsAreBitExactInFloat32(JsonObject v) {
        JsonArray expected = v.getAsJsonArray("normals_f32");
        for (int i = 0; i < expected.size(); i++) {
            // The JSON holds the float32 value widened to float64, so the narrowing is exact.
            assertEquals(expected.get(i).getAsFloat(), PortableRng.normal(key(v), i), "normal " + i);
        }
    }

    private static long key(JsonObject v) {
        return PortableRng.key(v.get("seed").getAsLong(), v.get("purpose").getAsInt(), v.get("sub").getAsInt());
    }

    private static long unsigned(JsonObject v, String field) {
        return Long.parseUnsignedLong(v.get(field).getAsString());
    }

    private static Stream<JsonObject> objects(String field) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(VECTORS, StandardCharsets.UTF_8)).getAsJsonObject();
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray(field)) {
            out.add(e.getAsJsonObject());
        }
        return out.stream();
    }
}
