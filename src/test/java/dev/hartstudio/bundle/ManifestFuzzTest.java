package dev.hartstudio.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.hartstudio.testing.SyntheticBundle;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile manifest.json files: every field of the exporter's real manifest (tiny-random) removed, or
 * replaced by a value of every other type and by absurd numbers; seeded truncations, byte flips,
 * deep nesting, duplicate keys and invalid UTF-8; and, through {@link Bundle#open}, every file name
 * field pointed out of the bundle. Each case ends in a manifest or a {@link BundleException} with one
 * sentence; anything else escaping or a hang (per batch) fails. Counts are printed and asserted.
 */
class ManifestFuzzTest {

    private static final Path REAL = Path.of("src/test/resources/bundles/tiny-random/manifest.json");

    /** Replacement values: every JSON type, absurd numbers, and shapes whose product overflows. */
    private static final List<String> VALUES = List.of("null", "true", "false", "\"text\"", "\"\"", "0", "1", "-1",
            "1.5", "-0.0", "1e300", "-1e300", "1e-300", "2147483648", "-2147483649", "9223372036854775808",
            "1e999999999", "[]", "{}", "[1,2]", "[\"a\"]", "{\"a\":1}", "[4294967296,4294967296]",
            "[-3,2]", "\"../x\"");

    private static byte[] real;
    private static JsonObject realTree;

    @TempDir
    static Path temp;

    @BeforeAll
    static void readRealManifest() throws Exception {
        real = Files.readAllBytes(REAL);
        realTree = JsonParser.parseString(new String(real, StandardCharsets.UTF_8)).getAsJsonObject();
        new ManifestReader().read(real);   // the seed itself is valid
    }

    @Test
    void everyFieldRemovedOrGivenAnyOtherValueEndsInAManifestOrOneSentence() {
        List<List<Object>> paths = new ArrayList<>();
        collect(realTree, new ArrayList<>(), paths);
        Map<String, Integer> outcomes = new TreeMap<>();
        int cases = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int n = 0;
            for (List<Object> path : paths) {
                JsonObject removed = realTree.deepCopy();
                remove(removed, path);
                outcomes.merge("removed: " + read(removed.toString(), "remove " + path), 1, Integer::sum);
                n++;
                for (String value : VALUES) {
                    JsonObject replaced = realTree.deepCopy();
                    set(replaced, path, JsonParser.parseString(value));
                    outcomes.merge("replaced: " + read(replaced.toString(), path + " = " + value), 1, Integer::sum);
                    n++;
                }
            }
            return n;
        });
        System.out.println("manifest fields: " + paths.size() + " paths, " + cases + " cases; outcomes " + outcomes);
        assertEquals(paths.size() * (1 + VALUES.size()), cases);
        assertTrue(paths.size() > 300, "paths " + paths.size());
        assertTrue(outcomes.getOrDefault("replaced: refused", 0) > cases / 2, outcomes.toString());
        assertTrue(outcomes.getOrDefault("replaced: parsed", 0) > 0, outcomes.toString());
    }

    @Test
    void twoThousandSeededByteMutationsEndInAManifestOrOneSentence() {
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        int cases = 0;
        for (int batch = 0; batch < 4; batch++) {
            long seed = 1900 + batch;
            cases += assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                Random r = new Random(seed);
                for (int i = 0; i < 500; i++) {
                    String kind = List.of("truncate", "flip", "deep", "duplicate", "utf8", "huge string", "huge array")
                            .get(r.nextInt(7));
                    kinds.merge(kind, 1, Integer::sum);
                    byte[] bytes = mutate(r, kind);
                    outcomes.merge(read(bytes, "seed " + seed + " case " + i + " " + kind), 1, Integer::sum);
                }
                return 500;
            }, "batch with seed " + seed);
        }
        System.out.println("manifest bytes: " + cases + " cases; outcomes " + outcomes + "; mutations " + kinds);
        assertEquals(2000, cases);
        assertTrue(outcomes.getOrDefault("refused", 0) > 1000, outcomes.toString());
        kinds.forEach((k, v) -> assertTrue(v > 200, k + " ran " + v + " times"));
    }

    @Test
    void everyFileNameFieldPointedOutOfTheBundleIsRefused() throws Exception {
        Path outside = Files.writeString(temp.resolve("outside.txt"), "secret");
        List<String> fields = List.of("card", "text.tokenizer", "text.system_prompt", "schedule", "codebook", "preview",
                "graphs.step.file", "graphs.embed.file", "graphs.vae_decoder.file", "files key");
        List<String> names = List.of("../outside.txt", "/etc/passwd", outside.toString(), "C:\\x.onnx", "a/b.onnx",
                "..", ".", "", "x\u0000.onnx", "sub\\x.onnx", "link-out");
        Map<String, Integer> outcomes = new TreeMap<>();
        int cases = 0;
        for (String field : fields) {
            for (String name : names) {
                Path dir = temp.resolve("b" + cases);
                SyntheticBundle b = SyntheticBundle.create(dir);
                Files.createSymbolicLink(dir.resolve("link-out"), outside);
                if (field.equals("files key")) {
                    b.manifest().getAsJsonObject("files").addProperty(name, "0".repeat(64));
                } else {
                    String[] parts = field.split("\\.");
                    JsonObject parent = b.manifest();
                    for (int i = 0; i < parts.length - 1; i++) {
                        parent = parent.getAsJsonObject(parts[i]);
                    }
                    parent.addProperty(parts[parts.length - 1], name);
                }
                b.write();
                String where = field + " = " + name;
                BundleException e = assertThrows(BundleException.class, () -> Bundle.open(dir), where);
                checkSentence(e.getMessage(), where);
                assertTrue(e.getMessage().startsWith("manifest.json"), where + ": " + e.getMessage());
                outcomes.merge(e.getMessage().replaceFirst(".*\" ", "").replaceFirst("^manifest.json: \\S+ ", ""), 1,
                        Integer::sum);
                cases++;
            }
        }
        System.out.println("bundle paths: " + cases + " cases, all refused; reasons " + outcomes);
        assertEquals(fields.size() * names.size(), cases);
    }

    @Test
    void aManifestOverSixteenMebibytesIsRefusedBeforeItIsRead() throws Exception {
        Path dir = temp.resolve("huge");
        SyntheticBundle.create(dir);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("manifest.json").toFile(), "rw")) {
            f.setLength(17L << 20);   // sparse: nothing is written, and nothing must be read
        }
        BundleException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(BundleException.class, () -> Bundle.open(dir)));
        assertEquals("manifest.json is 17 MiB, larger than the 16 MiB any bundle manifest takes: it is not a HART "
                + "manifest.", e.getMessage());
    }

    @Test
    void absurdSizesAreNamed() throws Exception {
        JsonObject m = realTree.deepCopy();
        m.getAsJsonObject("model").addProperty("resolution", 1 << 30);
        assertEquals("manifest.json: model.resolution is 1073741824, more than the 16384 pixels this app supports.",
                refusal(m));
        m = realTree.deepCopy();
        m.getAsJsonObject("model").addProperty("embed_dim", Integer.MAX_VALUE);
        assertEquals("manifest.json: model.embed_dim is 2147483647, more than the 1048576 this app supports.",
                refusal(m));
        m = realTree.deepCopy();
        JsonArray shape = new JsonArray();
        shape.add(1L << 40);
        shape.add(1L << 40);
        m.getAsJsonObject("graphs").getAsJsonObject("embed").getAsJsonArray("inputs").get(1).getAsJsonObject()
                .add("shape", shape);
        assertEquals("manifest.json: graphs.embed.inputs[1].shape has fixed sizes whose product does not fit in 64 "
                + "bits, got [1099511627776, 1099511627776].", refusal(m));
        m = realTree.deepCopy();
        m.getAsJsonObject("model").add("depth", new JsonPrimitive(new java.math.BigDecimal("1e300")));
        assertEquals("manifest.json: model.depth must be a positive integer, got 1E+300.", refusal(m));
    }

    private static String refusal(JsonObject manifest) {
        return assertThrows(BundleException.class,
                () -> new ManifestReader().read(manifest.toString().getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    private static String read(String json, String where) {
        return read(json.getBytes(StandardCharsets.UTF_8), where);
    }

    private static String read(byte[] bytes, String where) {
        try {
            new ManifestReader().read(bytes);
            return "parsed";
        } catch (BundleException e) {
            checkSentence(e.getMessage(), where);
            return "refused";
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(where + ": " + e + " escaped", e);
        }
    }

    private static void checkSentence(String m, String where) {
        if (m == null || !m.startsWith("manifest.json") || !m.endsWith(".") || m.contains("\n") || m.length() > 400) {
            fail(where + ": not one sentence naming manifest.json: "
                    + (m == null ? null : m.length() > 600 ? m.substring(0, 600) + "... (" + m.length() + " chars)" : m));
        }
    }

    private static byte[] mutate(Random r, String kind) {
        String text = new String(real, StandardCharsets.UTF_8);
        switch (kind) {
            case "truncate":
                return Arrays.copyOf(real, r.nextInt(real.length));
            case "flip": {
                byte[] b = real.clone();
                for (int i = 1 + r.nextInt(6); i > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case "deep": {
                int depth = r.nextBoolean() ? 100_000 : 60 + r.nextInt(20);
                String deep = "[".repeat(depth) + "]".repeat(depth);
                return text.replaceFirst("\"description\": \"[^\"]*\"", "\"description\": " + deep)
                        .getBytes(StandardCharsets.UTF_8);
            }
            case "duplicate": {
                List<String> keys = List.of("\"name\"", "\"depth\"", "\"file\"", "\"format\"", "\"seed\"");
                String key = keys.get(r.nextInt(keys.size()));
                int at = text.indexOf(key);
                return (text.substring(0, at) + key + ": 1, " + text.substring(at)).getBytes(StandardCharsets.UTF_8);
            }
            case "utf8": {
                byte[] b = real.clone();
                b[r.nextInt(b.length)] = (byte) (0x80 + r.nextInt(0x80));
                return b;
            }
            case "huge string":
                return text.replaceFirst("\"description\": \"", "\"description\": \"" + "x".repeat(300_000))
                        .getBytes(StandardCharsets.UTF_8);
            default:
                return text.replaceFirst("\"patch_nums\": \\[", "\"patch_nums\": [" + "1,".repeat(30_000 + r.nextInt(9)))
                        .getBytes(StandardCharsets.UTF_8);
        }
    }

    // Paths in a JSON tree: object keys (String) and array indices (Integer).

    private static void collect(JsonElement e, List<Object> path, List<List<Object>> out) {
        if (!path.isEmpty()) {
            out.add(List.copyOf(path));
        }
        if (e.isJsonObject()) {
            for (String key : e.getAsJsonObject().keySet()) {
                path.add(key);
                collect(e.getAsJsonObject().get(key), path, out);
                path.remove(path.size() - 1);
            }
        } else if (e.isJsonArray()) {
            for (int i = 0; i < e.getAsJsonArray().size(); i++) {
                path.add(i);
                collect(e.getAsJsonArray().get(i), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    private static JsonElement parent(JsonObject root, List<Object> path) {
        JsonElement e = root;
        for (Object step : path.subList(0, path.size() - 1)) {
            e = step instanceof String ? e.getAsJsonObject().get((String) step) : e.getAsJsonArray().get((Integer) step);
        }
        return e;
    }

    private static void set(JsonObject root, List<Object> path, JsonElement value) {
        JsonElement parent = parent(root, path);
        Object last = path.get(path.size() - 1);
        if (last instanceof String) {
            parent.getAsJsonObject().add((String) last, value);
        } else {
            parent.getAsJsonArray().set((Integer) last, value);
        }
    }

    private static void remove(JsonObject root, List<Object> path) {
        JsonElement parent = parent(root, path);
        Object last = path.get(path.size() - 1);
        if (last instanceof String) {
            parent.getAsJsonObject().remove((String) last);
        } else {
            parent.getAsJsonArray().remove((int) (Integer) last);
        }
    }
}
