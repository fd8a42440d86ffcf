package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.png.GenerationMetadata.BranchInfo;
import dev.hartstudio.persistence.png.PngChunks.Chunk;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
import java.util.function.BiFunction;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the PNG metadata reader: valid PNGs written by {@link PngMetadata} are
 * cut, flipped, given wrong CRCs, huge lengths, zip bombs, invalid UTF-8 and hostile JSON or
 * infotext. Every case must end in a parsed value or a {@link MetadataException} with one sentence
 * that names the file; anything else escaping, a hang (per batch) or running out of memory fails.
 */
class PngMetadataFuzzTest {

    private static final int BATCHES = 10;
    private static final int CASES_PER_BATCH = 500;
    private static final String FILE = "fuzz.png";

    /** 100 MB of zeros, deflated once (about 100 KB). */
    private static byte[] bomb;
    private static final Map<String, Long> MILLIS = new java.util.concurrent.ConcurrentHashMap<>();
    private static List<Seed> seeds;

    @TempDir
    static Path dir;

    private record Seed(String name, List<Chunk> chunks, String json, String infotext) {
    }

    private record Mutation(String name, BiFunction<Random, Seed, byte[]> apply) {
    }

    @BeforeAll
    static void makeSeeds() {
        bomb = deflate(new byte[100_000_000]);
        seeds = new ArrayList<>();
        GenerationMetadata small = metadata("a red cube on a blue floor", null);
        GenerationMetadata branched = metadata("ünïcödé prompt ✓ 猫", new BranchInfo(3, 7, tokens(3)));
        seeds.add(seed("json", small, false));
        seeds.add(seed("json-compressed", metadata("big", new BranchInfo(7, 3, tokens(7))), true));
        seeds.add(seed("json-unicode", branched, false));
        String a1111 = InfoTextTest.A1111;
        seeds.add(new Seed("a1111-tEXt", chunks(List.of(PngChunks.text(PngMetadata.PARAMETERS, a1111))), null, a1111));
        seeds.add(new Seed("a1111-zTXt", chunks(List.of(zText(PngMetadata.PARAMETERS, a1111))), null, a1111));
        seeds.add(new Seed("a1111-iTXt", chunks(List.of(PngChunks.internationalText(PngMetadata.PARAMETERS,
                "猫 " + a1111, true))), null, "猫 " + a1111));
    }

    @Test
    void fiveThousandMutatedPngsEachEndInAValueOrOneClearSentence() throws Exception {
        List<Mutation> mutations = mutations();
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        int cases = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            long batchSeed = 19_000 + batch;
            cases += assertTimeoutPreemptively(Duration.ofSeconds(30), () -> runBatch(batchSeed, mutations, outcomes, kinds, examples),
                    "batch with seed " + batchSeed + " did not finish in 30 s");
        }
        System.out.println("PNG metadata fuzz: " + cases + " cases; outcomes " + outcomes + "; mutations " + kinds);
        System.out.println("  milliseconds per mutation (make + write + read twice): " + new TreeMap<>(MILLIS));
        examples.forEach((k, v) -> System.out.println("  first refusal, " + k + ": " + v));
        assertEquals(BATCHES * CASES_PER_BATCH, cases);
        assertEquals(cases * 2, outcomes.values().stream().mapToInt(Integer::intValue).sum(),
                "each case read twice: read() and readTexts()");
        for (Mutation m : mutations) {
            assertTrue(kinds.getOrDefault(m.name(), 0) >= 50, m.name() + " ran " + kinds.get(m.name()) + " times");
        }
        assertTrue(outcomes.getOrDefault("read: refused", 0) > 500, outcomes.toString());
        assertTrue(outcomes.getOrDefault("read: json", 0) > 50, outcomes.toString());
        assertTrue(outcomes.getOrDefault("read: infotext", 0) > 50, outcomes.toString());
    }

    private static int runBatch(long batchSeed, List<Mutation> mutations, Map<String, Integer> outcomes,
            Map<String, Integer> kinds, Map<String, String> examples) throws Exception {
        Random random = new Random(batchSeed);
        Path file = dir.resolve(FILE);
        for (int i = 0; i < CASES_PER_BATCH; i++) {
            Seed seed = seeds.get(random.nextInt(seeds.size()));
            Mutation mutation = mutations.get(random.nextInt(mutations.size()));
            long t0 = System.nanoTime();
            byte[] bytes = mutation.apply().apply(random, seed);
            if (random.nextInt(4) == 0) {
                bytes = flip(random, bytes, 1 + random.nextInt(3));   // and sometimes damage on top
            }
            Files.write(file, bytes);
            String where = "batch seed " + batchSeed + ", case " + i + ", " + mutation.name() + " of " + seed.name();
            kinds.merge(mutation.name(), 1, Integer::sum);
            outcomes.merge("read: " + read(file, where, mutation.name(), examples), 1, Integer::sum);
            outcomes.merge("readTexts: " + readTexts(file, where), 1, Integer::sum);
            MILLIS.merge(mutation.name(), (System.nanoTime() - t0) / 1_000_000, Long::sum);
        }
        return CASES_PER_BATCH;
    }

    private static String read(Path file, String where, String kind, Map<String, String> examples) {
        try {
            ImageParameters p = PngMetadata.read(file);
            return p instanceof GenerationMetadata ? "json" : "infotext";
        } catch (MetadataException e) {
            checkSentence(e, where);
            examples.putIfAbsent(kind, e.getMessage());
            return "refused";
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(where + ": " + e + " escaped", e);
        }
    }

    private static String readTexts(Path file, String where) {
        try {
            return PngMetadata.readTexts(file).isEmpty() ? "no texts" : "texts";
        } catch (MetadataException e) {
            checkSentence(e, where);
            return "refused";
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(where + ": " + e + " escaped", e);
        }
    }

    static void checkSentence(Exception e, String where) {
        String m = e.getMessage();
        if (m == null || !m.startsWith(FILE) || !m.endsWith(".") || m.contains("\n") || m.length() > 400) {
            fail(where + ": not one sentence naming the file: "
                    + (m == null ? null : m.length() > 600 ? m.substring(0, 600) + "... (" + m.length() + " chars)" : m));
        }
    }

    // Mutations

    private static List<Mutation> mutations() {
        List<Mutation> list = new ArrayList<>();
        list.add(new Mutation("truncate", (r, s) -> {
            byte[] b = bytes(s);
            return Arrays.copyOf(b, r.nextInt(b.length));
        }));
        list.add(new Mutation("flip bytes", (r, s) -> flip(r, bytes(s), 1 + r.nextInt(8))));
        list.add(new Mutation("wrong CRC", (r, s) -> {
            byte[] b = bytes(s);
            int[] c = chunkAt(r, b);
            b[c[0] + 8 + c[1] + r.nextInt(4)] ^= (byte) (1 + r.nextInt(255));
            return b;
        }));
        list.add(new Mutation("huge length", (r, s) -> {
            byte[] b = bytes(s);
            int[] c = chunkAt(r, b);
            int[] lengths = {0x7fffffff, 0x7ffffff0, 0x80000000, 0xffffffff, 1 << 30, c[1] + 1};
            ByteBuffer.wrap(b).putInt(c[0], lengths[r.nextInt(lengths.length)]);
            return b;
        }));
        list.add(new Mutation("zip bomb", (r, s) -> {
            Chunk bombChunk = r.nextBoolean() ? zTextRaw(keyword(r), bomb) : iTextRaw(keyword(r), bomb);
            return insert(r, s, bombChunk);
        }));
        list.add(new Mutation("invalid UTF-8", (r, s) -> {
            byte[] text = (s.json != null ? s.json : s.infotext).getBytes(StandardCharsets.UTF_8);
            byte[][] bad = {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, 1},
                {(byte) 0xC0, (byte) 0xAF}};
            byte[] b = bad[r.nextInt(bad.length)];
            int at = r.nextInt(text.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(text, 0, at);
            out.writeBytes(b);
            out.write(text, at, text.length - at);
            boolean compress = r.nextBoolean();
            byte[] bad8 = compress ? deflate(out.toByteArray()) : out.toByteArray();
            return replaceText(s, iTextRaw(s.json != null ? PngMetadata.HART_STUDIO : PngMetadata.PARAMETERS, bad8,
                    compress));
        }));
        list.add(new Mutation("deep JSON", (r, s) -> {
            int depth = r.nextBoolean() ? 100_000 : 65 + r.nextInt(1000);
            String open = r.nextBoolean() ? "[" : "{\"a\":";
            String close = open.equals("[") ? "]" : "}";
            String inner = open.repeat(depth) + "1" + close.repeat(depth);
            String json = r.nextBoolean() ? inner : withField(s, "branch", inner);
            return withJson(s, json, r.nextBoolean());
        }));
        list.add(new Mutation("enormous JSON", (r, s) -> {
            String big = switch (r.nextInt(8)) {
                case 0 -> "\"" + "x".repeat((1 << 20) + r.nextInt(100)) + "\"";   // past the 1 MiB JSON limit
                case 1, 2 -> "\"" + "x".repeat(200_000) + "\"";
                case 3, 4, 5 -> "[" + "7,".repeat(60_000) + "7]";
                default -> "[" + "[1],".repeat(40_000) + "[1]]";
            };
            String field = List.of("prompt", "top_k", "preview", "branch").get(r.nextInt(4));
            return withJson(s, withField(s, field, big), true);
        }));
        list.add(new Mutation("odd numbers", (r, s) -> {
            String[] numbers = {"NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e300", "99999999999999999999",
                "1e999999999", "1e-999999999", "-0", "0.5", "1" + "0".repeat(150), "9".repeat(99), "1E+2147483648",
                "\"12\"", "-9223372036854775809", "9223372036854775807", "2147483648", "-1"};
            String field = List.of("seed", "cfg", "top_p", "batch_index", "batch_size", "width", "height", "scales",
                    "format_version", "stopped_at_scale").get(r.nextInt(10));
            return withJson(s, withField(s, field, numbers[r.nextInt(numbers.length)]), r.nextBoolean());
        }));
        list.add(new Mutation("duplicate key", (r, s) -> {
            String json = json(s);
            String field = List.of("prompt", "seed", "format", "width").get(r.nextInt(4));
            String dup = json.substring(0, json.length() - 1) + ",\"" + field + "\":" + (field.equals("prompt")
                    || field.equals("format") ? "\"other\"" : "3") + "}";
            return withJson(s, dup, false);
        }));
        list.add(new Mutation("wrong type", (r, s) -> {
            String[] values = {"null", "true", "\"text\"", "[]", "{}", "[1,\"a\"]", "{\"from_scale\":\"x\"}", "0"};
            String field = List.of("prompt", "seed", "top_k", "branch", "timings", "bundle", "more_smooth",
                    "format", "preview", "width").get(r.nextInt(10));
            return withJson(s, withField(s, field, values[r.nextInt(values.length)]), r.nextBoolean());
        }));
        list.add(new Mutation("field removed", (r, s) -> {
            String json = json(s);
            String field = List.of("\"prompt\"", "\"seed\"", "\"format\"", "\"bundle\"", "\"timings\"")
                    .get(r.nextInt(5));
            int at = json.indexOf(field);
            int comma = json.indexOf(",\"", at + 1);
            return withJson(s, comma < 0 ? json : json.substring(0, at) + json.substring(comma + 1), false);
        }));
        list.add(new Mutation("hostile infotext", (r, s) -> {
            String text = switch (r.nextInt(5)) {
                case 0 -> "p\n" + "a".repeat(100_000 + r.nextInt(1000));
                case 1 -> "p\nSteps: 1, Seed: 2, Lora: \"" + "\\x".repeat(50_000) + "\"";
                case 2 -> "p\n" + "k: v, ".repeat(20_000) + "Size: 3x";
                case 3 -> "\n".repeat(50_000) + "Negative prompt: " + "n\n".repeat(20_000) + "Steps: x, Seed: 1, A: b";
                default -> "p\nSteps: 99999999999, Seed: 1e5, Size: 0x0, CFG scale: NaN";
            };
            List<Chunk> chunks = new ArrayList<>();
            for (Chunk c : s.chunks) {
                if (!isText(c)) {
                    chunks.add(c);
                }
            }
            chunks.add(1, PngMetadata.parametersChunk(text));
            return PngChunks.join(chunks);
        }));
        list.add(new Mutation("chunk shuffle", (r, s) -> {
            List<Chunk> chunks = new ArrayList<>(s.chunks);
            int a = r.nextInt(chunks.size());
            int b = r.nextInt(chunks.size());
            Chunk t = chunks.get(a);
            chunks.set(a, chunks.get(b));
            chunks.set(b, t);
            if (r.nextBoolean()) {
                chunks.add(r.nextInt(chunks.size()), new Chunk(r.nextBoolean() ? "tEXt" : "iTXt",
                        randomBytes(r, r.nextInt(200))));
            }
            return PngChunks.join(chunks);
        }));
        return list;
    }

    // Seeds and helpers

    private static GenerationMetadata metadata(String prompt, BranchInfo branch) {
        return new GenerationMetadata(prompt, 42, 0, 1, 4.5, List.of(600, 600, 600, 600, 600, 600, 600, 300), 0.0,
                true, false, false, "LATENT_RGB", branch, 8, -1, 8, 8, 8, "tiny-random-s0", PngMetadataTest.SHA,
                "CPU", "1.29.0", "hart-rng-v1", "0.1.0-SNAPSHOT", null);
    }

    private static List<List<Integer>> tokens(int scales) {
        List<List<Integer>> tokens = new ArrayList<>();
        for (int s = 1; s <= scales; s++) {
            List<Integer> scale = new ArrayList<>();
            for (int i = 0; i < s * s * 40; i++) {
                scale.add((i * 37 + s) % 768);
            }
            tokens.add(scale);
        }
        return tokens;
    }

    private static Seed seed(String name, GenerationMetadata m, boolean compress) {
        String json = MetadataJson.write(m);
        String infotext = InfoText.of(m).format();
        return new Seed(name, chunks(List.of(PngMetadata.parametersChunk(infotext),
                PngChunks.internationalText(PngMetadata.HART_STUDIO, json, compress))), json, infotext);
    }

    private static List<Chunk> chunks(List<Chunk> extra) {
        int[] px = new int[64];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xFF000000 | (i * 7919) & 0xFFFFFF;
        }
        return PngChunks.split(PngMetadata.encode(new RgbImage(8, 8, px), extra));
    }

    private static byte[] bytes(Seed s) {
        return PngChunks.join(s.chunks);
    }

    private static String json(Seed s) {
        return s.json != null ? s.json : MetadataJson.write(metadata("from infotext seed", null));
    }

    /** The seed's JSON with {@code field}'s value replaced by {@code value} (or added when absent). */
    private static String withField(Seed s, String field, String value) {
        String json = json(s);
        String key = "\"" + field + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return json.substring(0, json.length() - 1) + "," + key + value + "}";
        }
        int start = at + key.length();
        int end = valueEnd(json, start);
        return json.substring(0, start) + value + json.substring(end);
    }

    /** End of the JSON value starting at {@code start}: strings, brackets and scalars. */
    private static int valueEnd(String json, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }

    private static byte[] withJson(Seed s, String json, boolean compress) {
        return replaceText(s, PngChunks.internationalText(PngMetadata.HART_STUDIO, json, compress));
    }

    /** The seed with its hart-studio chunk (or, for infotext seeds, a new one before IDAT) replaced by {@code c}. */
    private static byte[] replaceText(Seed s, Chunk c) {
        List<Chunk> chunks = new ArrayList<>();
        boolean replaced = false;
        for (Chunk old : s.chunks) {
            String keyword = isText(old) ? new String(old.data(), StandardCharsets.ISO_8859_1).split("\0", 2)[0] : "";
            if (!replaced && keyword.equals(new String(c.data(), StandardCharsets.ISO_8859_1).split("\0", 2)[0])) {
                chunks.add(c);
                replaced = true;
            } else {
                chunks.add(old);
            }
        }
        if (!replaced) {
            chunks.add(1, c);
        }
        return PngChunks.join(chunks);
    }

    private static byte[] insert(Random r, Seed s, Chunk c) {
        List<Chunk> chunks = new ArrayList<>(s.chunks);
        chunks.add(1 + r.nextInt(chunks.size() - 1), c);
        return PngChunks.join(chunks);
    }

    private static boolean isText(Chunk c) {
        return c.type().equals("tEXt") || c.type().equals("zTXt") || c.type().equals("iTXt");
    }

    private static String keyword(Random r) {
        return List.of(PngMetadata.HART_STUDIO, PngMetadata.PARAMETERS, "workflow", "Comment").get(r.nextInt(4));
    }

    /** Offset and data length of a random chunk of {@code png}. */
    private static int[] chunkAt(Random r, byte[] png) {
        List<int[]> chunks = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        int pos = PngChunks.SIGNATURE.length;
        while (pos + 12 <= png.length) {
            int length = b.getInt(pos);
            chunks.add(new int[] {pos, length});
            pos += 12 + length;
        }
        return chunks.get(r.nextInt(chunks.size()));
    }

    private static byte[] flip(Random r, byte[] bytes, int count) {
        byte[] b = bytes.clone();
        for (int i = 0; i < count && b.length > 0; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static Chunk zText(String keyword, String text) {
        return zTextRaw(keyword, deflate(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static Chunk zTextRaw(String keyword, byte[] compressed) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        data.write(0);
        data.writeBytes(compressed);
        return new Chunk("zTXt", data.toByteArray());
    }

    static Chunk iTextRaw(String keyword, byte[] compressed) {
        return iTextRaw(keyword, compressed, true);
    }

    /** An iTXt chunk whose text bytes are given as they are: compressed (flag 1) or not. */
    static Chunk iTextRaw(String keyword, byte[] text, boolean compressed) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        data.write(compressed ? 1 : 0);
        data.write(0);
        data.write(0);
        data.write(0);
        data.writeBytes(text);
        return new Chunk("iTXt", data.toByteArray());
    }

    static byte[] deflate(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
