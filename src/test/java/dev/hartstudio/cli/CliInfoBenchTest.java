package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliInfoBenchTest {

    @TempDir
    Path dir;

    @Test
    void infoPrintsTheBundleSummaryFilesAndProvider() {
        CliRun r = CliRun.of("info", "--bundle", BUNDLE.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        assertTrue(r.out().startsWith("tiny-random-s0: "), r.out());
        assertTrue(r.out().contains("128 x 128 px"), r.out());
        assertTrue(r.out().contains("scales       8 [1, 2, 3, 4, 5, 6, 7, 8], 204 tokens per image"), r.out());
        assertTrue(r.out().contains("cfg 4.5, top-k [600, 600, 600, 600, 600, 600, 600, 300]"), r.out());
        assertTrue(r.out().contains("step.onnx"), r.out());
        assertTrue(r.out().contains("provider     requested cpu, would use cpu (CPU requested)"), r.out());
    }

    @Test
    void infoOfABrokenBundleIsOneSentence() throws Exception {
        CliRun r = CliRun.of("info", "--bundle", dir.toString());
        assertEquals(Cli.FAILED, r.status(), r.both());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("manifest.json is missing"), r.err());
    }

    @Test
    void benchKeepsWarmingUpUntilTheWarmUpSecondsHavePassed() throws Exception {
        // a clock that moves 0.1 s per reading: three readings per generation, so a 1 s warm-up
        // takes several generations even with --warmup 0; the timed runs are still --n
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Path json = dir.resolve("warm.json");
        int status = new BenchCommand(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), false,
                () -> now.addAndGet(100_000_000L)).run(List.of("--bundle", BUNDLE.toString(), "--n", "2", "--warmup", "0",
                "--warmup-seconds", "1", "--batches", "1", "--preview", "none", "--provider", "cpu", "--json", json.toString()));
        assertEquals(0, status, err.toString());
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(1, root.get("warmup_seconds").getAsInt());
        JsonObject one = root.getAsJsonArray("batches").get(0).getAsJsonObject();
        assertEquals(2, one.get("runs").getAsInt());
        assertTrue(one.get("warmup_runs").getAsInt() >= 3, one.toString());
        assertTrue(err.toString().contains("batch 1: " + one.get("warmup_runs").getAsInt() + " warm-up and 2 timed runs done"),
                err.toString());
        assertTrue(out.toString().contains("after 0 or more (1 s at least) warm-up"), out.toString());
    }

    @Test
    void anAbsurdWarmUpTimeIsRefusedWithItsRange() {
        CliRun r = CliRun.of("bench", "--bundle", BUNDLE.toString(), "--warmup-seconds", "999");
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertTrue(r.err().contains("--warmup-seconds 999 is outside the allowed range 0 .. 600."), r.err());
    }

    @Test
    void benchWritesJsonWithEveryStage() throws Exception {
        Path json = dir.resolve("bench.json");
        CliRun r = CliRun.of("bench", "--bundle", BUNDLE.toString(), "--n", "1", "--warmup", "0", "--json",
                json.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        assertTrue(r.out().contains("images/s"), r.out());
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        for (String key : List.of("format", "bundle", "provider", "ort_version", "n", "warmup", "preview", "cold_start",
                "batches", "memory")) {
            assertTrue(root.has(key), key);
        }
        assertTrue(root.getAsJsonObject("cold_start").has("jvm_start_to_first_image_s"));
        JsonArray batches = root.getAsJsonArray("batches");
        assertEquals(List.of(1, 4, 8), List.of(batches.get(0).getAsJsonObject().get("batch").getAsInt(),
                batches.get(1).getAsJsonObject().get("batch").getAsInt(), batches.get(2).getAsJsonObject().get("batch").getAsInt()));
        JsonObject one = batches.get(0).getAsJsonObject();
        assertTrue(one.get("images_per_second").getAsDouble() > 0);
        JsonObject stages = one.getAsJsonObject("stages_ms");
        for (String stage : List.of("text_encoding", "scale_1", "scale_8", "diffusion_step_1", "diffusion_step_8", "decode",
                "preview", "total")) {
            assertTrue(stages.has(stage), stage + " in " + stages.keySet());
            assertTrue(stages.getAsJsonObject(stage).has("median") && stages.getAsJsonObject(stage).has("p90"), stage);
        }
        assertTrue(one.getAsJsonObject("ort_ms").has("inside") && one.getAsJsonObject("ort_ms").has("outside"));
        double share = one.get("outside_ort_share").getAsDouble();
        assertTrue(share >= 0 && share <= 1, "share " + share);
        if (Files.exists(Memory.STATUS)) {
            JsonObject memory = root.getAsJsonObject("memory");
            assertTrue(memory.get("peak_rss_mb").getAsDouble() > 0);
            assertTrue(memory.has("native_estimate_mb"));
        }
    }

    @Test
    void benchRejectsABadBatchList() {
        CliRun r = CliRun.of("bench", "--bundle", BUNDLE.toString(), "--batches", "1,0");
        assertEquals(Cli.USAGE, r.status());
        assertTrue(r.err().contains("--batches 0 is outside the allowed range 1 .. 64"), r.err());
    }

    @Test
    void medianAndP90() {
        assertEquals(2.5, BenchCommand.median(new long[] {4, 1, 3, 2}));
        assertEquals(3.0, BenchCommand.median(new long[] {5, 3, 1}));
        assertEquals(9.0, BenchCommand.percentile(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9));
        assertEquals(7.0, BenchCommand.percentile(new long[] {7}, 0.9));
    }
}
