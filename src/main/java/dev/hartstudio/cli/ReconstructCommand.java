package dev.hartstudio.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.hartstudio.engine.EngineCancelledException;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.FitMode;
import dev.hartstudio.engine.image.FittedImage;
import dev.hartstudio.engine.image.ImageFit;
import dev.hartstudio.engine.image.ImageLoadException;
import dev.hartstudio.engine.image.Metrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reconstruct}: what the bundle's hybrid tokenizer keeps of each image. Writes the fitted
 * input, the discrete and hybrid reconstructions, the discrete reconstruction after every scale,
 * the error maps and a metrics JSON per image; a bad image is reported and skipped.
 */
@Command(name = "reconstruct",
        description = {"encode images with a bundle's tokenizer and decode them back, with PSNR/SSIM", "",
            "Encodes each image with the bundle's tokenizer and decodes it back. For IMAGE named <name>.<ext>:",
            "  <name>.input.png              the image as the model sees it (fitted to its resolution)",
            "  <name>.discrete.png           decode of the discrete tokens of every scale",
            "  <name>.hybrid.png             decode of discrete tokens + continuous residual",
            "  <name>.scale<K>.png           discrete reconstruction after scales 1..K",
            "  <name>.error-discrete.png     per-pixel error maps (viridis, 0 .. max error)",
            "  <name>.error-hybrid.png",
            "  <name>.metrics.json           PSNR per scale, PSNR/SSIM of discrete and hybrid, the fit", ""},
        footer = {"", "Any format ImageIO reads (PNG, JPEG, BMP, GIF). An image that cannot be read is reported and",
            "skipped; the exit status is then 1.", "", "Example:",
            "  hart-studio reconstruct photo.jpg drawing.png --out recon --fit pad"})
final class ReconstructCommand implements Callable<Integer> {

    @Mixin
    CommonOptions.Engine common = new CommonOptions.Engine();

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "the images")
    List<String> images = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (required)")
    String out;

    @Option(names = "--fit", paramLabel = "MODE", converter = OptionValues.Fit.class,
            description = "crop (default: centre square), stretch, or pad (white bars)")
    FitMode fit = FitMode.CENTER_CROP;

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    private final PrintStream stdout;
    private final PrintStream err;

    ReconstructCommand(PrintStream out, PrintStream err) {
        this.stdout = out;
        this.err = err;
    }

    @Override
    public Integer call() throws EngineException, OutputFolder.WriteException {
        if (images.isEmpty()) {
            throw new UsageException("reconstruct needs at least one IMAGE; see reconstruct --help.");
        }
        if (out == null) {
            throw new UsageException("reconstruct needs --out DIR.");
        }
        Path outDir = Path.of(out);
        Path bundle = common.bundle("reconstruct");
        var provider = common.provider;
        OutputFolder folder = OutputFolder.open(outDir);
        int failed = 0;
        Set<String> used = new HashSet<>();
        try (HartEngine engine = CommonOptions.openEngine(bundle, provider, err)) {
            int resolution = engine.bundle().manifest().model().resolution();
            for (String image : images) {
                Path file = Path.of(image);
                FittedImage fitted;
                try {
                    fitted = ImageFit.load(file, resolution, fit);
                } catch (ImageLoadException e) {
                    err.println(e.getMessage());
                    failed++;
                    continue;
                }
                String name = uniqueName(stem(file), used);
                ReconstructionResult r;
                try {
                    r = engine.reconstruct(fitted.image().toBufferedImage(), fit, null);
                } catch (EngineCancelledException e) {
                    throw e;
                } catch (EngineException e) {
                    err.println(file + ": " + e.getMessage());
                    failed++;
                    continue;
                }
                write(folder, name, file, fitted.description(), r);
                stdout.printf(Locale.ROOT, "%s: PSNR discrete %.2f dB, hybrid %.2f dB; SSIM discrete %.4f, hybrid %.4f -> %s%n",
                        file, r.psnrDiscrete(), r.psnrHybrid(), r.ssimDiscrete(), r.ssimHybrid(),
                        folder.resolve(name + ".metrics.json"));
            }
        }
        if (failed > 0) {
            err.println(failed + " of " + images.size() + " image" + (images.size() == 1 ? "" : "s") + " failed.");
            return Cli.FAILED;
        }
        return 0;
    }

    private static void write(OutputFolder folder, String name, Path source, String fit, ReconstructionResult r)
            throws OutputFolder.WriteException {
        Map<String, RgbImage> files = new LinkedHashMap<>();
        files.put(name + ".input.png", r.input());
        files.put(name + ".discrete.png", r.discrete());
        files.put(name + ".hybrid.png", r.hybrid());
        for (int k = 0; k < r.perScale().size(); k++) {
            files.put(name + ".scale" + (k + 1) + ".png", r.perScale().get(k));
        }
        int w = r.input().width();
        int h = r.input().height();
        float max = Math.max(max(r.errorDiscrete()), max(r.errorHybrid()));
        files.put(name + ".error-discrete.png", Metrics.heat(r.errorDiscrete(), w, h, max));
        files.put(name + ".error-hybrid.png", Metrics.heat(r.errorHybrid(), w, h, max));
        for (Map.Entry<String, RgbImage> e : files.entrySet()) {
            OutputFolder.writePng(folder.resolve(e.getKey()), e.getValue());
        }
        JsonObject m = new JsonObject();
        m.addProperty("input", source.toString());
        m.addProperty("fit", fit);
        m.addProperty("resolution", w);
        JsonArray patch = new JsonArray();
        for (int p : r.patchNums()) {
            patch.add(p);
        }
        m.add("patch_nums", patch);
        JsonArray perScale = new JsonArray();
        for (double v : r.psnrPerScale()) {
            perScale.add(round(v));
        }
        m.add("psnr_per_scale", perScale);
        m.addProperty("psnr_discrete", round(r.psnrDiscrete()));
        m.addProperty("psnr_hybrid", round(r.psnrHybrid()));
        m.addProperty("ssim_discrete", round(r.ssimDiscrete()));
        m.addProperty("ssim_hybrid", round(r.ssimHybrid()));
        m.addProperty("max_abs_error", round(max));
        JsonArray tokens = new JsonArray();
        for (int[][] scale : r.tokens()) {
            JsonArray ids = new JsonArray();
            for (int id : scale[0]) {
                ids.add(id);
            }
            tokens.add(ids);
        }
        m.add("tokens", tokens);
        JsonArray names = new JsonArray();
        files.keySet().forEach(names::add);
        m.add("files", names);
        OutputFolder.writeText(folder.resolve(name + ".metrics.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(m) + System.lineSeparator());
    }

    /** Rounded to 6 decimals; JSON has no infinity, so the PSNR of identical images is written as 999. */
    private static double round(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? 999.0 : -999.0;
        }
        return Math.round(v * 1e6) / 1e6;
    }

    private static float max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String uniqueName(String stem, Set<String> used) {
        String name = stem;
        for (int i = 2; !used.add(name); i++) {
            name = stem + "-" + i;
        }
        return name;
    }
}
