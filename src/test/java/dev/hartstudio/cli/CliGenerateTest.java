package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static dev.hartstudio.cli.CliRun.GOLDENS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.hartstudio.persistence.png.GenerationMetadata;
import dev.hartstudio.persistence.png.PngMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliGenerateTest {

    @TempDir
    Path dir;

    private static JsonElement json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file));
    }

    private Path promptsFile(String... lines) throws IOException {
        Path file = dir.resolve("prompts.jsonl");
        Files.write(file, List.of(lines));
        return file;
    }

    private static final String[] FIVE = {
        "{\"id\": \"a1\", \"prompt\": \"a red circle\", \"seed\": 3, \"cfg\": 4.5}",
        "{\"id\": \"a2\", \"prompt\": \"a blue square\", \"seed\": 4}",
        "",
        "{\"id\": \"a3\", \"prompt\": \"a green star\", \"seed\": 5, \"top_k\": 50, \"top_p\": 0.9, \"smooth\": false}",
        "{\"id\": \"a4\", \"prompt\": \"two yellow rings\", \"discrete_only\": true}",
        "{\"id\": \"a5\", \"prompt\": \"a red circle\", \"seed\": 9, \"top_k\": [600, 600, 600, 600, 600, 600, 600, 300]}",
    };

    @Test
    void traceOfSeed7EqualsThePythonReferenceTrace() throws Exception {
        Path trace = dir.resolve("t.json");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "a red circle", "--seed", "7",
                "--out", dir.resolve("out").toString(), "--trace", trace.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        JsonElement golden = json(GOLDENS.resolve("s7_cfg4.5.trace.json"));
        JsonElement mine = json(trace);
        assertEquals(golden.getAsJsonObject().get("tokens"), mine.getAsJsonObject().get("tokens"));
        assertEquals(golden, mine, "every field of the trace matches hart_export sample --trace");
        Path png = dir.resolve("out/7.png");
        assertEquals(128, ImageIO.read(png.toFile()).getWidth());
        GenerationMetadata meta = (GenerationMetadata) PngMetadata.read(png);
        assertEquals("a red circle", meta.prompt());
        assertEquals(7, meta.seed());
        assertEquals(4.5, meta.cfg());
        assertEquals("tiny-random-s0", meta.bundleName());
        assertTrue(PngMetadata.readTexts(png).get(PngMetadata.PARAMETERS).contains("Seed: 7"));
        assertEquals(png.toString(), r.out().strip());
    }

    @Test
    void branchFromScale3KeepsTheCoarseTokensLikeTheReference() throws Exception {
        Path trace = dir.resolve("b.json");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--branch-trace",
                GOLDENS.resolve("s7_cfg4.5.trace.json").toString(), "--branch-from", "3", "--seed", "99",
                "--out", dir.toString(), "--trace", trace.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        assertEquals(json(GOLDENS.resolve("branch_s3.trace.json")), json(trace));
    }

    @Test
    void branchingABranchTraceWithItsOwnSeedGivesItsImageBack() throws Exception {
        // branch_s3 is a branch of s7 (scales 1-3 from seed 7, the rest from 99); keeping all but its last
        // scale with seed 99 again must repeat it pixel for pixel: scales 1-3 keep seed 7's noise
        Path out = dir.resolve("again");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--branch-trace",
                GOLDENS.resolve("branch_s3.trace.json").toString(), "--branch-from", "5", "--seed", "99",
                "--out", out.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        CliRun original = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--branch-trace",
                GOLDENS.resolve("s7_cfg4.5.trace.json").toString(), "--branch-from", "3", "--seed", "99",
                "--out", dir.resolve("orig").toString(), "--provider", "cpu");
        assertEquals(0, original.status(), original.both());
        assertSamePixels(dir.resolve("orig/99.png"), out.resolve("99.png"));
    }

    private static void assertSamePixels(Path first, Path second) throws IOException {
        java.awt.image.BufferedImage a = ImageIO.read(first.toFile());
        java.awt.image.BufferedImage b = ImageIO.read(second.toFile());
        int w = a.getWidth();
        assertArrayEquals(a.getRGB(0, 0, w, w, null, 0, w), b.getRGB(0, 0, w, w, null, 0, w), second.toString());
    }

    @Test
    void aTraceKeepsTheWholeBranchChainSoABranchOfABranchOfABranchRepeats() throws Exception {
        // s7 -> branch_s3 (seed 99 from scale 3) -> T2 (seed 123 from scale 5): T2's trace carries both
        // branch points, so re-branching T2 with its own seed gives T2 back pixel for pixel
        Path t2 = dir.resolve("t2.json");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--branch-trace",
                GOLDENS.resolve("branch_s3.trace.json").toString(), "--branch-from", "5", "--seed", "123",
                "--out", dir.resolve("t2").toString(), "--trace", t2.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        assertEquals(JsonParser.parseString("{\"from_scale\": 5, \"seeds\": [99], \"parent\": {\"from_scale\": 3, \"seeds\": [7]}}"),
                json(t2).getAsJsonObject().getAsJsonObject("params").get("branch"));
        CliRun again = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--branch-trace", t2.toString(),
                "--branch-from", "7", "--seed", "123", "--out", dir.resolve("t3").toString(), "--provider", "cpu");
        assertEquals(0, again.status(), again.both());
        assertSamePixels(dir.resolve("t2/123.png"), dir.resolve("t3/123.png"));
    }

    @Test
    void aBranchChainThatDoesNotFitTheTraceIsNamed() throws Exception {
        JsonElement t = json(GOLDENS.resolve("branch_s3.trace.json"));
        t.getAsJsonObject().getAsJsonObject("params").getAsJsonObject("branch")
                .add("parent", JsonParser.parseString("{\"from_scale\": 2, \"seeds\": [1, 2]}"));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, t.toString());
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--branch-trace", bad.toString(),
                "--branch-from", "5", "--seed", "1", "--out", dir.toString(), "--provider", "cpu");
        assertEquals(2, r.status(), r.both());
        assertTrue(r.err().contains("is not a readable hart-trace file: a branch point has from_scale 2 and 2 seeds for 1 images"),
                r.both());
    }

    @Test
    void batchWritesOneFilePerSeed() {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "a red circle", "--seed", "10",
                "--batch", "2", "--discrete-only", "--out", out.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        assertTrue(Files.isRegularFile(out.resolve("10-b0.png")), r.both());
        assertTrue(Files.isRegularFile(out.resolve("11-b1.png")), r.both());
    }

    @Test
    void promptsFileWritesEveryIdAndASecondRunSkipsThem() throws Exception {
        Path file = promptsFile(FIVE);
        Path out = dir.resolve("out");
        Path traces = dir.resolve("traces");
        CliRun first = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(), "--out",
                out.toString(), "--batch", "3", "--trace", traces.toString(), "--provider", "cpu");
        assertEquals(0, first.status(), first.both());
        assertEquals(Set.of("a1.png", "a2.png", "a3.png", "a4.png", "a5.png"), names(out));
        assertEquals(5, names(traces).size());
        assertTrue(first.err().contains("[5/5 images]"), "plain progress lines when stderr is no terminal: " + first.err());
        // a1, a2 and a5 share their (resolved) parameters, so they went through the engine as one batch
        assertTrue(first.err().contains("wrote a1.png, a2.png, a5.png"), first.err());

        CliRun second = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(), "--out",
                out.toString(), "--provider", "cpu");
        assertEquals(0, second.status(), second.both());
        assertTrue(second.err().contains("Skipped 5 of 5 images"), second.err());
        assertEquals("", second.out());

        Files.delete(out.resolve("a4.png"));
        CliRun third = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(), "--out",
                out.toString(), "--provider", "cpu");
        assertEquals(0, third.status(), third.both());
        assertTrue(third.err().contains("Skipped 4 of 5 images"), third.err());
        assertEquals(out.resolve("a4.png").toString(), third.out().strip());
    }

    @Test
    void shardsCoverEveryIdExactlyOnce() throws Exception {
        Path file = promptsFile(FIVE);
        Path out = dir.resolve("out");
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(), "--out",
                    out.toString(), "--shard", i + "/3", "--discrete-only", "--provider", "cpu");
            assertEquals(0, r.status(), r.both());
            r.out().lines().map(l -> Path.of(l).getFileName().toString()).forEach(written::add);
        }
        assertEquals(List.of("a1.png", "a2.png", "a3.png", "a4.png", "a5.png"),
                written.stream().sorted().collect(Collectors.toList()), "each id once: " + written);
    }

    @Test
    void badJsonLineIsReportedWithItsLineNumber() throws Exception {
        Path file = promptsFile(FIVE[0], "", "{\"id\": \"b\", \"prompt\": \"x\",, }");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertTrue(r.err().startsWith("prompts.jsonl line 3: not valid JSON"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is done before the whole file is valid");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"id\": \"a\", \"prompt\": \"x\", \"cfg\": -1}|line 1: \"cfg\" -1 is outside the allowed range 0 .. 50",
        "{\"id\": \"a\", \"prompt\": \"x\", \"top_p\": 2}|line 1: \"top_p\" 2 is outside the allowed range",
        "{\"id\": \"a\", \"prompt\": \"x\", \"seed\": -5}|line 1: \"seed\" -5 is outside the allowed range 0 .. 9007199254740991",
        "{\"id\": \"a\", \"prompt\": \"x\", \"colour\": 1}|line 1: unknown key \"colour\"",
        "{\"id\": \"../a\", \"prompt\": \"x\"}|line 1: id \"../a\" cannot be a file name",
        "{\"id\": \"a\"}|line 1: \"prompt\" (a string) is missing",
        "[1, 2]|line 1: expected a JSON object",
    })
    void badPromptLinesNameTheLineAndTheKey(String line, String message) throws Exception {
        Path file = promptsFile(line);
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void duplicateIdsAreRefused() throws Exception {
        Path file = promptsFile(FIVE[0], FIVE[0]);
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString());
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertTrue(r.err().contains("line 2: id \"a1\" is already used on line 1"), r.err());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--cfg, -1, '--cfg -1 is outside the allowed range 0 .. 50'",
        "--cfg, abc, '--cfg \"abc\" is not a number'",
        "--top-p, 2, '--top-p 2 is outside the allowed range 0 (off) up to but not including 1'",
        "--seed, -5, '--seed -5 is outside the allowed range 0 .. 9007199254740991'",
        "--batch, 0, '--batch 0 is outside the allowed range 1 .. 64'",
        "--top-k, -3, '--top-k -3 is outside the allowed range 0 .. '",
        "--preview, fast, '--preview \"fast\" is not one of latent, decode, none'",
        "--provider, gpu, 'use auto, cpu, cuda or cuda:N'",
        "--colour, red, 'generate: unknown option --colour'",
    })
    void absurdParametersAreUsageErrorsNamingTheFlag(String flag, String value, String message) {
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "x", flag, value,
                "--out", dir.resolve("out").toString());
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--top-k 1,2|--top-k has 2 values; give one, or one per scale (8 for this bundle)",
        "--top-k 900|--top-k 900 is outside the allowed range 0 (off) .. 768",
        "--shard 3/2|--shard 3/2: i must be in 0 .. n-1",
        "--branch-from 3|--branch-trace and --branch-from go together",
    })
    void parametersCheckedAgainstTheBundleAreUsageErrorsToo(String args, String message) {
        List<String> all = new ArrayList<>(List.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "x", "--out",
                dir.resolve("out").toString(), "--provider", "cpu"));
        all.addAll(List.of(args.split(" ")));
        if (args.startsWith("--shard")) {
            all.set(3, "--prompts");
        }
        CliRun r = CliRun.of(all.toArray(String[]::new));
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void outFolderThatIsAFileIsOneClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "x", "--out", file.toString());
        assertEquals(Cli.FAILED, r.status(), r.both());
        assertEquals("Cannot use " + file + " as the output folder: it is a file.", r.err().strip());
    }

    @Test
    void outFolderThatCannotBeCreatedIsOneClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "x", "--out",
                file.resolve("sub").toString());
        assertEquals(Cli.FAILED, r.status(), r.both());
        assertTrue(r.err().startsWith("Cannot write to the output folder " + file.resolve("sub") + ": "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aFailedWriteStopsWithOneErrorAndLeavesNoPartialFile() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("7.png").resolve("in-the-way"));
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "a red circle", "--seed", "7",
                "--discrete-only", "--out", out.toString(), "--provider", "cpu");
        assertEquals(Cli.FAILED, r.status(), r.both());
        assertTrue(r.err().contains("Could not save " + out.resolve("7.png") + ": a folder of that name is in the way."),
                r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("Could not")).count(), r.err());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("7.png"), files.map(p -> p.getFileName().toString()).collect(Collectors.toList()),
                    "no temp file left behind");
        }
    }

    @Test
    void helpListsEveryOption() {
        CliRun r = CliRun.of("generate", "--help");
        assertEquals(0, r.status());
        for (String option : List.of("--prompt", "--prompts", "--seed", "--cfg", "--top-k", "--top-p", "--no-smooth",
                "--discrete-only", "--greedy", "--batch", "--branch-trace", "--branch-from", "--out", "--trace",
                "--shard", "--provider", "--preview")) {
            assertTrue(r.out().contains(option), option);
        }
    }

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
