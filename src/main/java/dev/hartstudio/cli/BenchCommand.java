package dev.hartstudio.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.hartstudio.bundle.BundleManifest;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.Timings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.function.LongSupplier;

/**
 * {@code bench}: N timed generations per batch size after warm-up; per-stage median and p90, time
 * inside and outside {@code OrtSession.run}, images per second, cold start and memory. Prints a
 * table and writes JSON for scripts (scripts/bench-side-by-side).
 */
@Command(name = "bench", description = {"time every stage of the engine; a table and JSON", "",
        "Times the engine: per batch size, WARMUP untimed generations, then N timed ones. Reports per stage"
            + " (text encoding, each AR scale, each diffusion step, decode, preview) the median and p90, the time"
            + " inside vs outside OrtSession.run, images/s, cold start (JVM and process start to first image),"
            + " peak RSS and native memory (Linux).", ""},
        footer = {"", "No timed assertions anywhere: run it by hand and record the numbers (BENCHMARKS.md).", "",
            "Examples:", "  hart-studio bench --n 10 --batches 1,4,8 --json b.json",
            "  hart-studio bench --n 20 --warmup 10 --warmup-seconds 8 --batches 1 --preview none --json -"})
final class BenchCommand implements Callable<Integer> {

    static final String PROMPT = "a red circle above a blue square";

    @Mixin
    CommonOptions.Engine common = new CommonOptions.Engine();

    @Option(names = "--n", paramLabel = "N", converter = OptionValues.Runs.class,
            description = "timed generations per batch size, 1 .. 100000 (default 10)")
    long n = 10;

    @Option(names = "--warmup", paramLabel = "W", converter = OptionValues.WarmupRuns.class,
            description = "untimed generations before them, 0 .. 1000 (default 2)")
    long warmup = 2;

    @Option(names = "--warmup-seconds", paramLabel = "S", converter = OptionValues.WarmupSeconds.class,
            description = "and keep warming up until S seconds have passed, 0 .. 600 (default 0): on 2 cores "
                + "the JIT compiles for several seconds, ~100 small images; a count alone fits no size")
    long warmupSeconds;

    @Option(names = "--batches", paramLabel = "LIST", converter = OptionValues.Batches.class,
            description = "batch sizes, each 1 .. " + GenerateCommand.MAX_BATCH + " (default 1,4,8)")
    OptionValues.Numbers batchSizes = new OptionValues.Numbers(List.of(1, 4, 8));

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON (- for stdout)")
    String jsonOption;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt (default \"" + BenchCommand.PROMPT + "\")")
    String prompt = PROMPT;

    @Option(names = "--seed", paramLabel = "N", converter = OptionValues.BenchSeed.class,
            description = "first seed (default 0); run r, image i uses seed N + r*B + i")
    long seed;

    @Option(names = "--discrete-only", description = "time the discrete path only (no diffusion)")
    boolean discreteOnly;

    @Option(names = "--preview", paramLabel = "MODE", converter = OptionValues.Preview.class,
            description = "latent (default), decode or none")
    PreviewMode preview = PreviewMode.LATENT_RGB;

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    /** One timed generation. */
    private record Run(Timings timings, long wallNanos) {
    }

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier clock;

    BenchCommand(PrintStream out, PrintStream err, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** Parses {@code tokens} into this command and runs it; returns the exit status. */
    int run(List<String> tokens) {
        return Cli.execute(this, tokens, out, err);
    }

    @Override
    public Integer call() throws EngineException, OutputFolder.WriteException {
        int n = (int) this.n;
        int warmup = (int) this.warmup;
        List<Integer> batches = new ArrayList<>();
        for (int b : batchSizes.values()) {
            if (!batches.contains(b)) {
                batches.add(b);
            }
        }
        Path json = jsonOption == null || jsonOption.equals("-") ? null : Path.of(jsonOption);
        boolean jsonToStdout = "-".equals(jsonOption);
        Path bundle = common.bundle("bench");
        var provider = common.provider;
        if (json != null && json.toAbsolutePath().getParent() != null) {
            OutputFolder.open(json.toAbsolutePath().getParent());
        }

        Optional<Instant> processStart = ProcessHandle.current().info().startInstant();
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        long openStart = clock.getAsLong();
        JsonObject report = new JsonObject();
        try (HartEngine engine = CommonOptions.openEngine(bundle, provider, err)) {
            long openNanos = clock.getAsLong() - openStart;
            Instant ready = Instant.now();
            Instant firstImage = null;
            long firstNanos = 0;
            BundleManifest m = engine.bundle().manifest();
            Map<Integer, List<Run>> runs = new LinkedHashMap<>();
            Map<Integer, Integer> warmed = new LinkedHashMap<>();
            for (int batch : batches) {
                List<Run> timed = new ArrayList<>();
                long warmStart = clock.getAsLong();
                int untimed = -1;                        // the warm-up runs, once they are over
                for (int r = 0; timed.size() < n; r++) {
                    boolean warming = untimed < 0
                            && (r < warmup || clock.getAsLong() - warmStart < warmupSeconds * 1_000_000_000L);
                    if (!warming && untimed < 0) {
                        untimed = r;
                    }
                    List<String> prompts = Collections.nCopies(batch, prompt);
                    List<Long> seeds = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                        seeds.add(seed + (long) r * batch + i);
                    }
                    GenerationRequest request = new GenerationRequest(prompts, seeds, null, null, null, null,
                            discreteOnly, false, preview, null);
                    long t0 = clock.getAsLong();
                    GenerationResult result = engine.generate(request, GenerationListener.NONE, new GenerationControl());
                    long wall = clock.getAsLong() - t0;
                    if (firstImage == null) {
                        firstImage = Instant.now();
                        firstNanos = wall;
                    }
                    if (!warming) {
                        timed.add(new Run(result.timings(), wall));
                    }
                    if (terminal) {
                        err.printf(Locale.ROOT, "\rbatch %d: %s %d/%s ", batch, warming ? "warm-up" : "run",
                                warming ? r + 1 : r - untimed + 1, warming ? (warmupSeconds > 0 ? "…" : warmup) : n);
                    }
                }
                if (terminal) {
                    err.print("\r");
                }
                err.printf(Locale.ROOT, "batch %d: %d warm-up and %d timed runs done%n", batch, untimed, n);
                runs.put(batch, timed);
                warmed.put(batch, untimed);
            }
            Memory memory = Memory.now();
            report = report(engine, m, runs, warmed, n, warmup, warmupSeconds, prompt, preview, discreteOnly, processStart,
                    jvmStart, ready, firstImage, openNanos, firstNanos, memory);
            printTable(report, m.model());
        }
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(report) + System.lineSeparator();
        if (json != null) {
            OutputFolder.writeText(json, text);
            err.println("Wrote " + json);
        }
        if (jsonToStdout) {
            out.print(text);
        }
        return 0;
    }

    private static JsonObject report(HartEngine engine, BundleManifest m, Map<Integer, List<Run>> runs,
            Map<Integer, Integer> warmed, int n, int warmup, long warmupSeconds, String prompt, PreviewMode preview,
            boolean discreteOnly, Optional<Instant> processStart, Instant jvmStart, Instant ready, Instant firstImage,
            long openNanos, long firstNanos, Memory memory) {
        JsonObject root = new JsonObject();
        root.addProperty("format", "hart-bench");
        root.addProperty("version", 1);
        JsonObject b = new JsonObject();
        b.addProperty("name", m.name());
        b.addProperty("manifest_sha256", engine.bundle().manifestSha256());
        b.addProperty("resolution", m.model().resolution());
        b.addProperty("precision", m.precision());
        JsonArray patch = new JsonArray();
        m.model().patchNums().forEach(patch::add);
        b.add("patch_nums", patch);
        root.add("bundle", b);
        JsonObject p = new JsonObject();
        p.addProperty("requested", engine.provider().requested().toString());
        p.addProperty("actual", engine.provider().actual().toString());
        p.addProperty("reason", engine.provider().reason());
        root.add("provider", p);
        root.addProperty("ort_version", HartEngine.ortVersion());
        root.addProperty("java_version", Runtime.version().toString());
        root.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root.addProperty("cpus", Runtime.getRuntime().availableProcessors());
        root.addProperty("prompt", prompt);
        root.addProperty("n", n);
        root.addProperty("warmup", warmup);
        root.addProperty("warmup_seconds", warmupSeconds);
        root.addProperty("preview", CommonOptions.previewName(preview));
        root.addProperty("discrete_only", discreteOnly);
        JsonObject cold = new JsonObject();
        cold.addProperty("engine_open_s", seconds(openNanos));
        cold.addProperty("first_generation_s", seconds(firstNanos));
        cold.addProperty("jvm_start_to_engine_ready_s", seconds(Duration.between(jvmStart, ready).toNanos()));
        cold.addProperty("jvm_start_to_first_image_s", seconds(Duration.between(jvmStart, firstImage).toNanos()));
        // The process can be older than the JVM: ./hart-studio execs java after checking (or building) the jar.
        processStart.ifPresent(start -> cold.addProperty("process_start_to_first_image_s",
                seconds(Duration.between(start, firstImage).toNanos())));
        root.add("cold_start", cold);
        JsonArray batches = new JsonArray();
        for (Map.Entry<Integer, List<Run>> e : runs.entrySet()) {
            JsonObject entry = batch(e.getKey(), e.getValue(), m.model());
            entry.addProperty("warmup_runs", warmed.get(e.getKey()));
            batches.add(entry);
        }
        root.add("batches", batches);
        root.add("memory", memory.toJson());
        return root;
    }

    private static JsonObject batch(int batch, List<Run> runs, ModelConfig model) {
        JsonObject o = new JsonObject();
        o.addProperty("batch", batch);
        o.addProperty("runs", runs.size());
        long wall = runs.stream().mapToLong(Run::wallNanos).sum();
        o.addProperty("images_per_second", round(batch * runs.size() / (wall / 1e9)));
        o.addProperty("seconds_per_image", round(wall / 1e9 / (batch * runs.size())));
        Map<String, long[]> stages = new LinkedHashMap<>();
        stages.put("text_encoding", collect(runs, t -> t.textNanos()));
        for (int k = 0; k < model.scales(); k++) {
            int kk = k;
            stages.put("scale_" + (k + 1), collect(runs, t -> kk < t.scaleNanos().length ? t.scaleNanos()[kk] : 0));
        }
        int steps = runs.isEmpty() ? 0 : runs.get(0).timings().diffusionNanos().length;
        boolean diffusion = runs.stream().anyMatch(r -> Arrays.stream(r.timings().diffusionNanos()).sum() > 0);
        for (int i = 0; diffusion && i < steps; i++) {
            int ii = i;
            stages.put("diffusion_step_" + (i + 1), collect(runs, t -> t.diffusionNanos()[ii]));
        }
        stages.put("decode", collect(runs, Timings::decodeNanos));
        stages.put("preview", collect(runs, Timings::previewNanos));
        stages.put("total", collect(runs, Timings::totalNanos));
        JsonObject s = new JsonObject();
        stages.forEach((name, values) -> s.add(name, stat(values)));
        o.add("stages_ms", s);
        JsonObject ort = new JsonObject();
        ort.add("inside", stat(collect(runs, Timings::insideOrtNanos)));
        ort.add("outside", stat(collect(runs, t -> t.totalNanos() - t.insideOrtNanos())));
        o.add("ort_ms", ort);
        long inside = runs.stream().mapToLong(r -> r.timings().insideOrtNanos()).sum();
        long total = runs.stream().mapToLong(r -> r.timings().totalNanos()).sum();
        o.addProperty("outside_ort_share", round(total == 0 ? 0 : 1.0 - (double) inside / total));
        return o;
    }

    private interface Field {
        long of(Timings t);
    }

    private static long[] collect(List<Run> runs, Field f) {
        return runs.stream().mapToLong(r -> f.of(r.timings())).toArray();
    }

    private static JsonObject stat(long[] nanos) {
        JsonObject o = new JsonObject();
        o.addProperty("median", round(median(nanos) / 1e6));
        o.addProperty("p90", round(percentile(nanos, 0.9) / 1e6));
        return o;
    }

    /** Median (the mean of the middle two for an even count); 0 for none. */
    static double median(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        long[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2.0;
    }

    /** Nearest-rank percentile: the smallest value with at least {@code q} of the values at or below it. */
    static double percentile(long[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        long[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(q * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    private static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return 0;
        }
        return Math.round(v * 1e4) / 1e4;
    }

    private static double seconds(long nanos) {
        return round(nanos / 1e9);
    }

    private void printTable(JsonObject r, ModelConfig model) {
        JsonObject bundle = r.getAsJsonObject("bundle");
        JsonObject provider = r.getAsJsonObject("provider");
        out.printf(Locale.ROOT, "HART bench: %s (%d px, %d scales) on %s (%s)%n", bundle.get("name").getAsString(),
                model.resolution(), model.scales(), provider.get("actual").getAsString(),
                provider.get("reason").getAsString());
        long warmupSeconds = r.get("warmup_seconds").getAsLong();
        String warm = r.get("warmup").getAsInt() + (warmupSeconds > 0 ? " or more (" + warmupSeconds + " s at least)" : "");
        out.printf(Locale.ROOT, "ONNX Runtime %s, Java %s, %d CPUs; %d timed runs after %s warm-up per batch size; "
                        + "preview %s%n%n", r.get("ort_version").getAsString(), r.get("java_version").getAsString(),
                r.get("cpus").getAsInt(), r.get("n").getAsInt(), warm, r.get("preview").getAsString());
        JsonArray batches = r.getAsJsonArray("batches");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-26s", "ms per call"));
        StringBuilder sub = new StringBuilder(String.format(Locale.ROOT, "%-26s", ""));
        for (var b : batches) {
            head.append(String.format(Locale.ROOT, "%19s", "batch " + b.getAsJsonObject().get("batch").getAsInt()));
            sub.append(String.format(Locale.ROOT, "%10s %8s", "median", "p90"));
        }
        out.println(head);
        out.println(sub);
        JsonObject first = batches.get(0).getAsJsonObject().getAsJsonObject("stages_ms");
        for (String stage : first.keySet()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", label(stage, model)));
            for (var b : batches) {
                JsonObject s = b.getAsJsonObject().getAsJsonObject("stages_ms").getAsJsonObject(stage);
                line.append(cells(s));
            }
            out.println(line);
        }
        for (String side : List.of("inside", "outside")) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", side + " OrtSession.run"));
            for (var b : batches) {
                line.append(cells(b.getAsJsonObject().getAsJsonObject("ort_ms").getAsJsonObject(side)));
            }
            out.println(line);
        }
        StringBuilder share = new StringBuilder(String.format(Locale.ROOT, "%-26s", "outside ORT share"));
        StringBuilder rate = new StringBuilder(String.format(Locale.ROOT, "%-26s", "images/s"));
        StringBuilder per = new StringBuilder(String.format(Locale.ROOT, "%-26s", "s/image"));
        for (var b : batches) {
            JsonObject o = b.getAsJsonObject();
            share.append(String.format(Locale.ROOT, "%18.1f%%", 100 * o.get("outside_ort_share").getAsDouble()));
            rate.append(String.format(Locale.ROOT, "%19.2f", o.get("images_per_second").getAsDouble()));
            per.append(String.format(Locale.ROOT, "%19.4f", o.get("seconds_per_image").getAsDouble()));
        }
        out.println(share);
        out.println(rate);
        out.println(per);
        out.println();
        JsonObject cold = r.getAsJsonObject("cold_start");
        out.printf(Locale.ROOT, "cold start: %.2f s from JVM start to the first image (engine open %.2f s, first generation "
                        + "%.2f s)%s%n", cold.get("jvm_start_to_first_image_s").getAsDouble(),
                cold.get("engine_open_s").getAsDouble(), cold.get("first_generation_s").getAsDouble(),
                cold.has("process_start_to_first_image_s") ? String.format(Locale.ROOT, "; %.2f s from process start",
                        cold.get("process_start_to_first_image_s").getAsDouble()) : "");
        out.println("memory: " + Memory.describe(r.getAsJsonObject("memory")));
    }

    private static String cells(JsonObject s) {
        return String.format(Locale.ROOT, "%10.2f %8.2f", s.get("median").getAsDouble(), s.get("p90").getAsDouble());
    }

    private static String label(String stage, ModelConfig model) {
        if (stage.startsWith("scale_")) {
            int k = Integer.parseInt(stage.substring("scale_".length()));
            int p = model.patchNums().get(k - 1);
            return "scale " + k + " (" + p + "x" + p + ")";
        }
        if (stage.startsWith("diffusion_step_")) {
            return "diffusion step " + stage.substring("diffusion_step_".length());
        }
        return switch (stage) {
            case "text_encoding" -> "text encoding";
            case "preview" -> "preview (within the above)";
            default -> stage;
        };
    }
}
