package dev.hartstudio.ui.gallery;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.png.MetadataException;
import dev.hartstudio.persistence.png.PngMetadata;
import dev.hartstudio.ui.common.DesktopActions;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.common.UserMessage;
import dev.hartstudio.ui.create.CreateViewModel;
import dev.hartstudio.ui.create.GenerationParameters;
import dev.hartstudio.ui.create.ParameterImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javax.imageio.ImageIO;

/**
 * The output folder as a grid, newest first, searchable by prompt; open, reveal, delete (to the
 * trash where the platform has one), show on the canvas and recall parameters.
 */
public final class GalleryViewModel {

    private final TaskRunner runner;
    private final ErrorReporter errors;
    private final DesktopActions desktop;
    private final Supplier<Path> folder;
    private final CreateViewModel create;
    private final ObservableList<GalleryItem> items = FXCollections.observableArrayList();
    private final FilteredList<GalleryItem> filtered = new FilteredList<>(items);
    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final ObjectProperty<GalleryItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");

    public GalleryViewModel(TaskRunner runner, ErrorReporter errors, DesktopActions desktop, Supplier<Path> folder,
            CreateViewModel create) {
        this.runner = runner;
        this.errors = errors;
        this.desktop = desktop;
        this.folder = folder;
        this.create = create;
        filtered.predicateProperty().bind(Bindings.createObjectBinding(() -> {
            String q = search.get() == null ? "" : search.get().strip().toLowerCase(Locale.ROOT);
            return q.isEmpty() ? i -> true : i -> matches(i, q);
        }, search));
    }

    // Properties

    /** Items that match the search, newest first. */
    public ObservableList<GalleryItem> visibleItems() {
        return filtered;
    }

    public StringProperty searchProperty() {
        return search;
    }

    public ObjectProperty<GalleryItem> selectedProperty() {
        return selected;
    }

    /** True while the folder is read. */
    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** The folder shown. */
    public Path folder() {
        return folder.get();
    }

    /** Whether delete moves to the trash (else it deletes for good, after the view asks). */
    public boolean canTrash() {
        return desktop.canTrash();
    }

    // Commands

    /** Reads the output folder again (background). */
    public void refresh() {
        Path dir = folder.get();
        loading.set(true);
        runner.submit(() -> scan(dir), list -> {
            items.setAll(list);
            loading.set(false);
        }, e -> {
            loading.set(false);
            errors.report("The output folder " + dir + " could not be read.", e);
        });
    }

    /** Opens the image with the system's viewer. */
    public void open(GalleryItem item) {
        background(() -> desktop.open(item.file()), "The image could not be opened.");
    }

    /** Shows the image in the file manager. */
    public void reveal(GalleryItem item) {
        background(() -> desktop.reveal(item.file()), "The file manager could not be opened.");
    }

    /** Moves the image to the trash, or deletes it for good when {@code permanently} and there is no trash. */
    public void delete(GalleryItem item, boolean permanently) {
        runner.submit(() -> {
            if (desktop.canTrash()) {
                if (!desktop.moveToTrash(item.file())) {
                    throw new IOException("The system did not move " + item.file().getFileName() + " to the trash.");
                }
            } else if (permanently) {
                Files.delete(item.file());
            } else {
                return false;
            }
            return true;
        }, done -> {
            if (done) {
                items.remove(item);
                errors.show(UserMessage.info(item.file().getFileName() + (desktop.canTrash()
                        ? " was moved to the trash." : " was deleted.")));
            }
        }, e -> errors.report("The image could not be deleted.", e));
    }

    /** Shows the image on the create canvas. */
    public void show(GalleryItem item) {
        runner.submit(() -> {
            var img = ImageIO.read(item.file().toFile());
            if (img == null) {
                throw new IOException(item.file().getFileName() + " is not an image.");
            }
            return RgbImage.of(img);
        }, img -> create.showImage(img, "From the gallery · " + item.file().getFileName()),
                e -> errors.report("The image could not be opened.", e));
    }

    /** Puts the image's parameters in the create panel ({@code includeSeed}: its seed too). */
    public void recall(GalleryItem item, boolean includeSeed) {
        if (item.parameters() == null) {
            errors.show(new UserMessage(UserMessage.Severity.WARNING, item.problem() == null
                    ? item.file().getFileName() + " has no generation parameters." : item.problem(), ""));
            return;
        }
        create.parameters().recall(item.parameters(), includeSeed);
    }

    // Internals

    private interface IoAction {
        void run() throws IOException;
    }

    private void background(IoAction action, String failure) {
        runner.submit(() -> {
            action.run();
            return null;
        }, ok -> { }, e -> errors.report(failure, e));
    }

    static List<GalleryItem> scan(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .filter(Files::isRegularFile)
                    .map(GalleryViewModel::item)
                    .sorted(Comparator.comparingLong(GalleryItem::modified).reversed()
                            .thenComparing(i -> i.file().getFileName().toString(), Comparator.reverseOrder()))
                    .toList();
        }
    }

    private static GalleryItem item(Path p) {
        long modified;
        try {
            modified = Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            modified = 0;
        }
        try {
            GenerationParameters params = ParameterImport.of(PngMetadata.read(p));
            return new GalleryItem(p, modified, params, null);
        } catch (MetadataException e) {
            return new GalleryItem(p, modified, null, e.getMessage());
        }
    }

    private static boolean matches(GalleryItem i, String query) {
        String hay = (i.title() + " " + (i.parameters() == null || i.parameters().seed() == null ? ""
                : i.parameters().seed()) + " " + i.file().getFileName()).toLowerCase(Locale.ROOT);
        for (String word : query.split("\\s+")) {
            if (!hay.contains(word)) {
                return false;
            }
        }
        return true;
    }
}
