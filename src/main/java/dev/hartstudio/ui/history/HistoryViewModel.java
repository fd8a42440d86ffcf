package dev.hartstudio.ui.history;

import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.create.CreateViewModel;
import dev.hartstudio.ui.create.GenerationParameters;
import dev.hartstudio.ui.engine.ModelInfo;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javax.imageio.ImageIO;

/**
 * The persisted history beside the canvas: searchable by prompt, seed or bundle; each entry can be
 * re-run, recalled (with or without its seed), opened on the canvas or deleted.
 */
public final class HistoryViewModel {

    private final HistoryStore store;
    private final TaskRunner runner;
    private final ErrorReporter errors;
    private final CreateViewModel create;
    private final ObservableList<HistoryEntry> entries = FXCollections.observableArrayList();
    private final FilteredList<HistoryEntry> filtered = new FilteredList<>(entries);
    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final ObjectProperty<HistoryEntry> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    private String shownProblem;

    public HistoryViewModel(HistoryStore store, TaskRunner runner, ErrorReporter errors, CreateViewModel create) {
        this.store = store;
        this.runner = runner;
        this.errors = errors;
        this.create = create;
        filtered.predicateProperty().bind(Bindings.createObjectBinding(() -> {
            String q = search.get() == null ? "" : search.get().strip().toLowerCase(Locale.ROOT);
            return q.isEmpty() ? e -> true : e -> matches(e, q);
        }, search));
    }

    // Properties

    /** The entries that match the search, newest first. */
    public ObservableList<HistoryEntry> visibleEntries() {
        return filtered;
    }

    /** Every entry, newest first. */
    public ObservableList<HistoryEntry> allEntries() {
        return FXCollections.unmodifiableObservableList(entries);
    }

    /** Words to find in the prompt, the seed or the bundle name. */
    public StringProperty searchProperty() {
        return search;
    }

    public ObjectProperty<HistoryEntry> selectedProperty() {
        return selected;
    }

    /**
     * What went wrong with the history file, shown as a banner above the list until dismissed (e.g.
     * the file was damaged and moved aside); empty when nothing did.
     */
    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** The thumbnail file of {@code entry}, if it has one on disk. */
    public Optional<Path> thumbnail(HistoryEntry entry) {
        return store.thumbnail(entry).filter(Files::isRegularFile);
    }

    // Commands

    /** Reads the store in the background. */
    public void load() {
        runner.submit(() -> new Snapshot(store.entries(), store.lastProblem().orElse(null)), read -> {
            entries.setAll(read.entries());
            showProblem(read.problem());
        }, e -> errors.report("The history could not be read.", e));
    }

    /**
     * Stores {@code entry} with its thumbnail (background) and shows the history as it is on disk
     * then, with the entry at the top (another studio on the same data folder may have added some).
     */
    public void add(HistoryEntry entry, BufferedImage thumbnail) {
        runner.submit(() -> {
            store.add(entry, thumbnail);
            return new Snapshot(store.entries(), store.lastProblem().orElse(null));
        }, read -> {
            List<HistoryEntry> before = entries.stream().filter(e -> !e.id().equals(entry.id())).toList();
            if (!read.entries().isEmpty() && read.entries().subList(1, read.entries().size()).equals(before)) {
                // nothing else changed on disk: keep the list (and its selection), add the new entry on top
                entries.removeIf(e -> e.id().equals(entry.id()));
                entries.add(0, read.entries().get(0));
            } else {
                entries.setAll(read.entries());
            }
            showProblem(read.problem());
        }, e -> errors.report("The generation could not be added to the history.", e));
    }

    /** Hides the notice banner. */
    public void dismissNotice() {
        notice.set("");
    }

    private record Snapshot(List<HistoryEntry> entries, String problem) {
    }

    /** The banner, not the message bar: that one may be showing a settings problem found at the same start. */
    private void showProblem(String problem) {
        if (problem == null || problem.equals(shownProblem)) {
            return;
        }
        shownProblem = problem;
        notice.set(problem);
        errors.log(problem, "");
    }

    /** Fills the create panel with every parameter of {@code entry}, seed included. */
    public void recallAll(HistoryEntry entry) {
        create.parameters().recall(parameters(entry), true);
    }

    /** Fills the create panel with the parameters of {@code entry} but keeps the current seed. */
    public void recallAllButSeed(HistoryEntry entry) {
        create.parameters().recall(parameters(entry), false);
    }

    /**
     * Queues {@code entry} again with exactly its parameters and seed; a branch again keeps the
     * scales it kept (their tokens are in the entry), so the re-run gives the same picture.
     */
    public void rerun(HistoryEntry entry) {
        ModelInfo m = create.parameters().modelProperty().get();
        Branch branch = null;
        if (entry.branchFromScale() > 0) {
            Optional<int[][]> kept = entry.keptTokens();
            if (kept.isEmpty()) {
                errors.show(dev.hartstudio.ui.common.UserMessage.info("This branch was saved without the scales it "
                        + "kept, so the re-run starts from its seed alone and will not look the same."));
            } else if (m != null && !m.name().equals(entry.bundleName())) {
                errors.show(dev.hartstudio.ui.common.UserMessage.info("This branch was made with the model \""
                        + entry.bundleName() + "\"; with \"" + m.name() + "\" the re-run starts from its seed alone."));
            } else {
                branch = new Branch(entry.branchFromScale(), List.of(entry.branchOriginalSeed()),
                        oneImage(kept.get(), entry.branchFromScale()), parents(entry));
            }
        }
        create.queue().enqueue(List.of(request(entry, branch)), branch == null ? 0 : entry.branchFromScale());
    }

    /**
     * Why {@code entry} cannot be branched keeping scales {@code 1..keep} with the loaded model, or
     * empty when it can.
     */
    public Optional<String> whyNotBranch(HistoryEntry entry, int keep) {
        ModelInfo m = create.parameters().modelProperty().get();
        if (m == null) {
            return Optional.of("No model is loaded.");
        }
        if (!m.name().equals(entry.bundleName())) {
            return Optional.of("This image was made with the model \"" + entry.bundleName() + "\"; load it to branch.");
        }
        int drawn = entry.complete() ? m.scales() : entry.stoppedAtScale() + 1;
        if (keep < 1 || keep >= m.scales() || keep > drawn) {
            return Optional.of("Scales 1–" + keep + " cannot be kept: this image has " + drawn + " of " + m.scales()
                    + " scales, and at least the last one is drawn again.");
        }
        if (entry.branchFromScale() > 0) {
            Optional<int[][]> tokens = entry.allTokens();
            if (entry.keptTokens().isEmpty() || tokens.isEmpty()) {
                return Optional.of("This branch was saved without its tokens, so it cannot be branched.");
            }
            if (keep > tokens.get().length) {
                return Optional.of("This branch saved the tokens of " + tokens.get().length + " scales; it can be "
                        + "branched keeping at most scales 1–" + tokens.get().length + ".");
            }
        }
        return Optional.empty();
    }

    /**
     * Queues a generation that keeps scales {@code 1..keep} of {@code entry} and draws the rest with a
     * new random seed (the studio's "Branch from this scale" for a past image, also after a restart).
     * The kept scales come back exactly: a plain entry's are drawn again from its seed, a branch's
     * from the tokens it stored.
     *
     * @return false, with the reason shown, when it cannot be branched
     */
    public boolean branchFrom(HistoryEntry entry, int keep) {
        Optional<String> why = whyNotBranch(entry, keep);
        if (why.isPresent()) {
            errors.show(dev.hartstudio.ui.common.UserMessage.info(why.get()));
            return false;
        }
        Branch branch;
        if (entry.branchFromScale() > 0) {
            // scales from its own branch point on were drawn with its seed, the earlier ones by its chain
            Branch own = new Branch(entry.branchFromScale(), List.of(entry.branchOriginalSeed()), null, parents(entry));
            branch = new Branch(keep, List.of(entry.seed()), oneImage(entry.allTokens().orElseThrow(), keep), own);
        } else {
            branch = new Branch(keep, List.of(entry.seed()), null);
        }
        create.queue().enqueue(List.of(create.parameters().branchRequest(request(entry, null), branch)), keep);
        return true;
    }

    /** The number of scales of the loaded model (0 when none is loaded). */
    public int scalesOfLoadedModel() {
        ModelInfo m = create.parameters().modelProperty().get();
        return m == null ? 0 : m.scales();
    }

    /** {@code entry}'s parameters and seed as a request (the preview mode is the panel's). */
    private GenerationRequest request(HistoryEntry entry, Branch branch) {
        return new GenerationRequest(List.of(entry.prompt()), List.of(entry.seed()), entry.cfg(), topKFor(entry),
                entry.topP(), entry.moreSmooth(), entry.discreteOnly(), false,
                create.parameters().previewModeProperty().get(), branch);
    }

    /** The first {@code scales} per-scale token arrays as {@code [scale][image 0]}. */
    private static int[][][] oneImage(int[][] perScale, int scales) {
        int[][][] tokens = new int[scales][1][];
        for (int k = 0; k < scales; k++) {
            tokens[k][0] = perScale[k];
        }
        return tokens;
    }

    /** The earlier branch points of {@code entry} as a chain (only their seeds matter), or null. */
    private static Branch parents(HistoryEntry entry) {
        Branch chain = null;
        for (int i = entry.branchParents().size() - 1; i >= 0; i--) {
            HistoryEntry.BranchParent p = entry.branchParents().get(i);
            chain = new Branch(p.fromScale(), List.of(p.seed()), null, chain);
        }
        return chain;
    }

    private int[] topKFor(HistoryEntry entry) {
        ModelInfo m = create.parameters().modelProperty().get();
        int[] topK = entry.topK().stream().mapToInt(Integer::intValue).toArray();
        return m == null || topK.length != m.scales() ? null : topK;
    }

    /** Shows the saved image of {@code entry} on the canvas. */
    public void open(HistoryEntry entry) {
        if (entry.imageFile() == null) {
            errors.show(dev.hartstudio.ui.common.UserMessage.info("This generation was not saved as an image."));
            return;
        }
        Path file = Path.of(entry.imageFile());
        runner.submit(() -> {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new java.io.IOException(file + " is not an image any more.");
            }
            return RgbImage.of(img);
        }, img -> create.showImage(img, "From history · seed " + entry.seed() + " · " + file.getFileName()),
                e -> errors.report("The image could not be opened.", e));
    }

    /** Removes {@code entry} from the history (its PNG in the output folder stays). */
    public void delete(HistoryEntry entry) {
        entries.remove(entry);
        runner.submit(() -> store.delete(entry.id()), ok -> { },
                e -> errors.report("The history entry could not be deleted.", e));
    }

    /** The recallable parameters of {@code entry}. */
    public static GenerationParameters parameters(HistoryEntry e) {
        return new GenerationParameters(e.prompt(), e.seed(), e.cfg(), e.topK(), e.topP(), e.moreSmooth(),
                e.discreteOnly());
    }

    private static boolean matches(HistoryEntry e, String query) {
        String hay = (e.prompt() + " " + e.seed() + " " + e.bundleName()).toLowerCase(Locale.ROOT);
        for (String word : query.split("\\s+")) {
            if (!hay.contains(word)) {
                return false;
            }
        }
        return true;
    }
}
