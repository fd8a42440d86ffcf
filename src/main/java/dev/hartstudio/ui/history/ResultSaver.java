package dev.hartstudio.ui.history;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.Timings;
import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.ui.engine.ModelInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.LongStream;

/**
 * Saves a finished generation as a PNG with its parameters in the output folder and describes it
 * as a history entry. Blocking (file IO): call on the task runner.
 */
public final class ResultSaver {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);
    private static final int SLUG_LENGTH = 40;

    private final Clock clock;
    private final AtomicWrite writer;

    public ResultSaver(Clock clock) {
        this(clock, AtomicWrite.standard());
    }

    /** A saver that writes its PNGs through {@code writer}. */
    public ResultSaver(Clock clock, AtomicWrite writer) {
        this.clock = clock;
        this.writer = writer;
    }

    /** What was saved: the PNG, the history entry and the image for its thumbnail. */
    public record Saved(Path file, HistoryEntry entry, BufferedImage image) {
    }

    /**
     * Writes image 0 of {@code result} into {@code folder} (created if missing).
     *
     * @param bundle the bundle, for the full metadata; null writes the image with the A1111 text only
     */
    public Saved save(GenerationResult result, ModelInfo model, int branchFromScale, Bundle bundle, Path folder)
            throws IOException {
        Files.createDirectories(folder);
        // temp files of saves killed mid-write (hidden, never listed); an hour is longer than any save
        AtomicWrite.removeStaleTempFiles(folder, java.time.Duration.ofHours(1));
        GenerationRequest r = result.request();
        long seed = r.seeds().get(0);
        LocalDateTime now = LocalDateTime.now(clock);
        String base = "hart-" + now.format(STAMP) + "-" + seed + "-" + slug(r.prompts().get(0));
        BufferedImage image = result.images().get(0).toBufferedImage();
        Path file = PngOutput.writeNew(writer, folder, base, result, 0, model, bundle);
        HistoryEntry entry = entry(result, model, branchFromScale, file);
        return new Saved(file, entry, image);
    }

    /** The history entry of image 0 of {@code result}, with the request's unset values from the model. */
    public HistoryEntry entry(GenerationResult result, ModelInfo model, int branchFromScale, Path file) {
        GenerationRequest r = result.request();
        Timings t = result.timings();
        List<Integer> topK = r.topK() == null ? model.defaults().topK()
                : Arrays.stream(r.topK()).boxed().toList();
        HistoryEntry.StageTimings times = new HistoryEntry.StageTimings(t.textNanos() / 1e6, millis(t.scaleNanos()),
                millis(t.diffusionNanos()), t.decodeNanos() / 1e6, t.totalNanos() / 1e6);
        int size = result.images().get(0).width();
        Branch branch = r.branch();
        List<String> keptTokens = null;
        List<HistoryEntry.BranchParent> parents = new java.util.ArrayList<>();
        for (Branch p = branch == null ? null : branch.parent(); p != null; p = p.parent()) {
            parents.add(new HistoryEntry.BranchParent(p.fromScale(), p.originalSeeds().get(0)));
        }
        if (branch != null) {
            // every scale: the kept ones as given (or drawn again from the original seed), then the drawn
            int scales = Math.max(result.tokens().length, branch.tokens() == null ? 0 : branch.fromScale());
            int[][] all = new int[scales][];
            for (int k = 0; k < scales; k++) {
                all[k] = k < branch.fromScale() && branch.tokens() != null ? branch.tokens()[k][0] : result.tokens()[k][0];
            }
            keptTokens = HistoryEntry.encodeTokens(all);
        }
        return new HistoryEntry(UUID.randomUUID().toString(), clock.millis(), r.prompts().get(0), r.seeds().get(0),
                r.cfg() == null ? model.defaults().cfg() : r.cfg(), topK,
                r.topP() == null ? model.defaults().topP() : r.topP(),
                r.moreSmooth() == null ? model.defaults().moreSmooth() : r.moreSmooth(), r.discreteOnly(),
                r.preview().name(), branchFromScale, model.name(), model.folder().toString(), model.provider(), size,
                result.images().get(0).height(), result.stoppedAtScale(), times,
                file == null ? null : file.toAbsolutePath().toString(), null,
                branch == null ? null : branch.originalSeeds().get(0), keptTokens, parents);
    }

    private static List<Double> millis(long[] nanos) {
        return nanos == null ? List.of() : LongStream.of(nanos).mapToObj(n -> n / 1e6).toList();
    }

    /** Lower-case words of the prompt joined by dashes, at most 40 characters. */
    static String slug(String prompt) {
        String s = prompt.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (s.length() > SLUG_LENGTH) {
            s = s.substring(0, SLUG_LENGTH).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "image" : s;
    }

}
