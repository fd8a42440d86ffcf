package dev.hartstudio.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.hartstudio.engine.EngineCancelledException;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.RgbImage;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code soak}: many generations through the engine facade with previews on and cancels at random
 * points, sampling the JVM heap, the resident set and the memory outside the JVM every few images;
 * writes the samples as CSV, a plot, and a summary with the RSS slope over the run's tail.
 */
@Command(name = "soak", description = {"a long run that watches memory: generations, random cancels, a CSV and a plot", "",
        "Generates N images through the engine facade (previews on, every preview touched as the studio does) with C"
            + " cancels at random points mid-generation mixed in, and samples heap, RSS and the memory outside the JVM"
            + " (ONNX Runtime, the tokenizer, code) every K images. Ends with the RSS slope over the last part of the"
            + " run and whether it is flat within the noise of the samples.", ""},
        footer = {"", "Examples:", "  hart-studio soak --images 1000 --cancels 100 --out docs/soak",
            "  hart-studio soak --images 100 --cancels 10 --every 5 --out /tmp/soak"})
final class SoakCommand implements Callable<Integer> {

    static final String[] PROMPTS = {
        "a red circle", "a large blue striped square in the top left", "two green stars on a white background",
        "a small yellow dotted triangle below a purple ring", "a pink cross beside an orange circle",
    };

    @Mixin
    CommonOptions.Engine common = new CommonOptions.Engine();

    @Option(names = "--images", paramLabel = "N", converter = OptionValues.Runs.class,
            description = "finished generations, 1 .. 100000 (default 1000)")
    long images = 1000;

    @Option(names = "--cancels", paramLabel = "C", converter = OptionValues.WarmupRuns.class,
            description = "generations cancelled at a random scale or diffusion step, 0 .. 1000 (default 100)")
    long cancels = 100;

    @Option(names = "--every", paramLabel = "K", converter = OptionValues.Runs.class,
            description = "images between memory samples, 1 .. 100000 (default 10)")
    long every = 10;

    @Option(names = "--tail", paramLabel = "T", converter = OptionValues.Runs.class,
            description = "images at the end of the run that the slope is fitted over (default: all but the first 10 %%)")
    Long tail;

    @Option(names = "--seed", paramLabel = "S", converter = OptionValues.BenchSeed.class,
            description = "seed of the run: image seeds and where the cancels fall (default 0)")
    long seed;

    @Option(names = "--preview", paramLabel = "MODE", converter = OptionValues.Preview.class,
            description = "latent (default), decode or none")
    PreviewMode preview = PreviewMode.LATENT_RGB;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "writes soak.csv, soak.png and soak.json here")
    String outFolder;

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    private final PrintStream out;
    private final PrintStream err;
    private final LongSupplier clock;

    SoakCommand(PrintStream out, PrintStream err, LongSupplier clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /** One memory sample, all sizes in bytes. */
    record Sample(int images, int cancels, double seconds, long rss, long heapUsed, long heapAfterGc,
            long heapCommitted, long nonHeapCommitted, long direct) {

        /** RSS minus what the JVM has committed itself: ONNX Runtime's arenas and weights, the tokenizer, code. */
        long outsideJvm() {
            return Math.max(0, rss - heapCommitted - nonHeapCommitted - direct);
        }

        static final String HEADER = "images,cancels,seconds,rss_mb,heap_used_mb,heap_after_gc_mb,heap_committed_mb,"
                + "nonheap_committed_mb,direct_mb,outside_jvm_mb";

        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f", images, cancels, seconds,
                    mb(rss), mb(heapUsed), mb(heapAfterGc), mb(heapCommitted), mb(nonHeapCommitted), mb(direct),
                    mb(outsideJvm()));
        }
    }

    /** Least-squares line through (x, y) with the residual spread. */
    record Fit(double slope, double slopeStdError, double residualSd, int points) {

        static Fit of(double[] x, double[] y) {
            int n = x.length;
            double mx = 0;
            double my = 0;
            for (int i = 0; i < n; i++) {
                mx += x[i] / n;
                my += y[i] / n;
            }
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < n; i++) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (y[i] - my);
            }
            double slope = sxx == 0 ? 0 : sxy / sxx;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double r = y[i] - my - slope * (x[i] - mx);
                ss += r * r;
            }
            double sd = n > 2 ? Math.sqrt(ss / (n - 2)) : 0;
            return new Fit(slope, sxx == 0 ? 0 : sd / Math.sqrt(sxx), sd, n);
        }
    }

    @Override
    public Integer call() throws EngineException, OutputFolder.WriteException {
        int n = (int) images;
        int c = (int) cancels;
        int k = (int) every;
        int tailImages = tail == null ? n - n / 10 : (int) Math.min(tail, n);
        OutputFolder folder = OutputFolder.open(Path.of(outFolder));
        SplittableRandom random = new SplittableRandom(seed);
        // Which of the n + c runs are cancelled: c distinct positions.
        boolean[] cancelAt = new boolean[n + c];
        for (int placed = 0; placed < c; ) {
            int at = random.nextInt(n + c);
            if (!cancelAt[at]) {
                cancelAt[at] = true;
                placed++;
            }
        }
        List<Sample> samples = new ArrayList<>();
        long start = clock.getAsLong();
        long touched = 0;
        int done = 0;
        int cancelled = 0;
        int late = 0;
        Path bundle = common.bundle("soak");
        try (HartEngine engine = CommonOptions.openEngine(bundle, common.provider, err)) {
            int events = engine.bundle().manifest().model().scales() + engine.bundle().manifest().samplingDefaults()
                    .diffusionSteps();
            samples.add(sample(0, 0, start));
            for (int run = 0; run < n + c; run++) {
                GenerationRequest request = new GenerationRequest(List.of(PROMPTS[run % PROMPTS.length]),
                        List.of(seed + run), null, null, null, null, false, false, preview, null);
                GenerationControl control = new GenerationControl();
                // Any event but the last, so that a step always follows the cancel.
                int cancelEvent = cancelAt[run] ? random.nextInt(events - 1) : -1;
                int cancelledBefore = cancelled;
                long[] seen = {0, 0};
                try {
                    GenerationResult result = engine.generate(request, e -> {
                        seen[1] += touch(e);
                        if (seen[0]++ == cancelEvent) {
                            control.cancel();
                        }
                    }, control);
                    touched += seen[1] + result.images().get(0).argb()[0];
                    done++;
                } catch (EngineCancelledException e) {
                    touched += seen[1];
                    cancelled++;
                    if (cancelEvent < 0) {
                        throw e;
                    }
                }
                if (cancelEvent >= 0 && cancelled == cancelledBefore) {
                    late++;   // the cancel came after the engine's last check: the image finished
                }
                if (!cancelAt[run] && done % k == 0) {
                    Sample s = sample(done, cancelled, start);
                    samples.add(s);
                    err.printf(Locale.ROOT, "%d images, %d cancels, %.0f s: RSS %.1f MB, heap after GC %.1f MB,"
                            + " outside the JVM %.1f MB%n", done, cancelled, s.seconds(), mb(s.rss()),
                            mb(s.heapAfterGc()), mb(s.outsideJvm()));
                }
            }
        }
        JsonObject summary = summary(samples, n, cancelled, tailImages, (clock.getAsLong() - start) / 1e9);
        summary.addProperty("cancels_that_finished_anyway", late);
        summary.addProperty("preview", preview.name());
        summary.addProperty("bundle", bundle.toString());
        summary.addProperty("checksum_of_touched_pixels", touched);
        StringBuilder csv = new StringBuilder(Sample.HEADER).append('\n');
        samples.forEach(s -> csv.append(s.csv()).append('\n'));
        Path csvFile = folder.path().resolve("soak.csv");
        OutputFolder.writeText(csvFile, csv.toString());
        Path json = folder.path().resolve("soak.json");
        OutputFolder.writeText(json, new GsonBuilder().setPrettyPrinting().create().toJson(summary) + "\n");
        Path png = folder.path().resolve("soak.png");
        SoakPlot.write(png, samples, summary);
        out.println(summary.get("line").getAsString());
        err.println("Wrote " + csvFile + ", " + json + ", " + png);
        return 0;
    }

    /** Reads every preview pixel once, as the studio's preview does; returns a checksum so it is not optimised away. */
    private static long touch(GenerationEvent e) {
        List<RgbImage> previews = e instanceof GenerationEvent.ScaleDone s ? s.previews()
                : e instanceof GenerationEvent.DiffusionStep d ? d.previews() : List.of();
        long sum = 0;
        for (RgbImage p : previews) {
            for (int v : p.argb()) {
                sum += v & 0xff;
            }
        }
        return sum;
    }

    private Sample sample(int done, int cancelled, long start) {
        Memory m = Memory.now();
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            afterGc += u == null ? 0 : u.getUsed();
        }
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += b.getMemoryUsed();
        }
        long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
        return new Sample(done, cancelled, (clock.getAsLong() - start) / 1e9, m.rssBytes() == null ? 0 : m.rssBytes(),
                m.heapUsedBytes(), afterGc, m.heapCommittedBytes(), nonHeap, direct);
    }

    static JsonObject summary(List<Sample> samples, int images, int cancelled, int tailImages, double seconds) {
        List<Sample> window = new ArrayList<>();
        for (Sample s : samples) {
            if (s.images() >= images - tailImages && s.images() > 0) {
                window.add(s);
            }
        }
        JsonObject o = new JsonObject();
        o.addProperty("images", images);
        o.addProperty("cancels", cancelled);
        o.addProperty("seconds", seconds);
        o.addProperty("samples", samples.size());
        o.addProperty("tail_images", tailImages);
        Fit rss = fit(window, Sample::rss);
        Fit outside = fit(window, Sample::outsideJvm);
        Fit heap = fit(window, Sample::heapAfterGc);
        Fit nonHeap = fit(window, Sample::nonHeapCommitted);
        double drift = rss.slope() * tailImages;
        // Flat: the growth the line predicts over the whole window is within twice the samples' own spread.
        boolean flat = Math.abs(drift) <= 2 * rss.residualSd();
        o.addProperty("rss_slope_mb_per_1000_images", mb(rss.slope() * 1000));
        o.addProperty("rss_slope_95ci_mb_per_1000_images", mb(1.96 * rss.slopeStdError() * 1000));
        o.addProperty("rss_drift_over_tail_mb", mb(drift));
        o.addProperty("rss_noise_sd_mb", mb(rss.residualSd()));
        o.addProperty("rss_median_slope_mb_per_1000_images", mb(medianSlope(window, Sample::rss) * 1000));
        o.addProperty("outside_jvm_slope_mb_per_1000_images", mb(outside.slope() * 1000));
        o.addProperty("outside_jvm_median_slope_mb_per_1000_images", mb(medianSlope(window, Sample::outsideJvm) * 1000));
        o.addProperty("heap_after_gc_slope_mb_per_1000_images", mb(heap.slope() * 1000));
        o.addProperty("nonheap_committed_slope_mb_per_1000_images", mb(nonHeap.slope() * 1000));
        Sample last = samples.get(samples.size() - 1);
        o.addProperty("rss_first_mb", mb(samples.get(Math.min(1, samples.size() - 1)).rss()));
        o.addProperty("rss_last_mb", mb(last.rss()));
        o.addProperty("rss_max_mb", mb(samples.stream().mapToLong(Sample::rss).max().orElse(0)));
        o.addProperty("flat", flat);
        o.addProperty("line", String.format(Locale.ROOT,
                "soak: %d images + %d cancels in %.0f s; RSS %.1f -> %.1f MB; slope over the last %d images %+.2f"
                        + " MB/1000 images (95%% CI +-%.2f), drift %+.2f MB vs noise sd %.2f MB: %s; median slope %+.2f"
                        + " MB/1000 (RSS), %+.2f MB/1000 (outside the JVM); heap after GC %+.2f MB/1000, JVM non-heap %+.2f"
                        + " MB/1000",
                images, cancelled, seconds, mb(samples.get(Math.min(1, samples.size() - 1)).rss()), mb(last.rss()),
                tailImages, mb(rss.slope() * 1000), mb(1.96 * rss.slopeStdError() * 1000), mb(drift),
                mb(rss.residualSd()), flat ? "flat" : "NOT flat", mb(medianSlope(window, Sample::rss) * 1000),
                mb(medianSlope(window, Sample::outsideJvm) * 1000), mb(heap.slope() * 1000),
                mb(nonHeap.slope() * 1000)));
        return o;
    }

    /** Theil-Sen slope: the median of the slopes between every two samples, unmoved by a transient such as warm-up. */
    static double medianSlope(List<Sample> window, ToLongFunction<Sample> value) {
        List<Double> slopes = new ArrayList<>();
        for (int i = 0; i < window.size(); i++) {
            for (int j = i + 1; j < window.size(); j++) {
                double dx = window.get(j).images() - window.get(i).images();
                if (dx > 0) {
                    slopes.add((value.applyAsLong(window.get(j)) - value.applyAsLong(window.get(i))) / dx);
                }
            }
        }
        if (slopes.isEmpty()) {
            return 0;
        }
        Collections.sort(slopes);
        int n = slopes.size();
        return n % 2 == 1 ? slopes.get(n / 2) : (slopes.get(n / 2 - 1) + slopes.get(n / 2)) / 2;
    }

    private static Fit fit(List<Sample> window, ToLongFunction<Sample> value) {
        double[] x = new double[window.size()];
        double[] y = new double[window.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = window.get(i).images();
            y[i] = value.applyAsLong(window.get(i));
        }
        return Fit.of(x, y);
    }

    static double mb(double bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
