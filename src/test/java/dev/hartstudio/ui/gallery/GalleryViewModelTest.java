package dev.hartstudio.ui.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.create.CreateViewModel;
import dev.hartstudio.ui.create.ParametersViewModel;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.testing.FakeDesktop;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import dev.hartstudio.ui.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GalleryViewModelTest {

    @TempDir
    Path dir;

    private final FakeDesktop desktop = new FakeDesktop();
    private final ErrorReporter errors = new ErrorReporter(null);
    private GalleryViewModel vm;
    private CreateViewModel create;
    private Path out;

    @BeforeEach
    void setUp() throws Exception {
        out = Files.createDirectories(dir.resolve("out"));
        SyncTaskRunner runner = new SyncTaskRunner();
        EngineModel engine = new EngineModel(runner, (f, p) -> new FakeEngine());
        engine.open(List.of(Path.of("/b")), ExecutionProvider.AUTO, e -> { });
        create = new CreateViewModel(new ParametersViewModel(() -> 1), new GenerationQueue(runner, engine::engine),
                engine);
        vm = new GalleryViewModel(runner, errors, desktop, () -> out, create);
        Path a = TestImages.writeOurs(out.resolve("a.png"), "a glass bird", 1);
        Path b = TestImages.writeA1111(out.resolve("b.png"), "a castle\nSteps: 3, Sampler: x, Seed: 9, CFG scale: 2");
        Path c = TestImages.writeLandscape(out, "c.png", 8, 8);
        Files.writeString(out.resolve("notes.txt"), "ignored");
        Files.setLastModifiedTime(a, FileTime.fromMillis(3000));
        Files.setLastModifiedTime(b, FileTime.fromMillis(2000));
        Files.setLastModifiedTime(c, FileTime.fromMillis(1000));
        vm.refresh();
    }

    private List<String> names() {
        return vm.visibleItems().stream().map(i -> i.file().getFileName().toString()).toList();
    }

    @Test
    void listsThePngsNewestFirstWithTheirPrompts() {
        assertEquals(List.of("a.png", "b.png", "c.png"), names());
        assertEquals("a glass bird", vm.visibleItems().get(0).title());
        assertEquals("a castle", vm.visibleItems().get(1).title());
        assertEquals("c.png", vm.visibleItems().get(2).title(), "no parameters: the file name");
        assertNotNull(vm.visibleItems().get(2).problem());
    }

    @Test
    void searchFindsByPromptSeedOrName() {
        vm.searchProperty().set("castle");
        assertEquals(List.of("b.png"), names());
        vm.searchProperty().set("GLASS bird");
        assertEquals(List.of("a.png"), names());
        vm.searchProperty().set("c.png");
        assertEquals(List.of("c.png"), names());
        vm.searchProperty().set("");
        assertEquals(3, names().size());
    }

    @Test
    void deleteMovesToTheTrashWhenThereIsOne() {
        desktop.trash = dir.resolve("trash");
        GalleryItem a = vm.visibleItems().get(0);
        vm.delete(a, false);
        assertEquals(List.of("b.png", "c.png"), names());
        assertTrue(Files.exists(dir.resolve("trash/a.png")));
        assertEquals(List.of("trash a.png"), desktop.calls);
    }

    @Test
    void withoutATrashOnlyAConfirmedDeleteRemovesTheFile() {
        GalleryItem a = vm.visibleItems().get(0);
        vm.delete(a, false);
        assertTrue(Files.exists(a.file()));
        vm.delete(a, true);
        assertFalse(Files.exists(a.file()));
        assertEquals(2, names().size());
    }

    @Test
    void openAndRevealGoToTheDesktop() {
        GalleryItem a = vm.visibleItems().get(0);
        vm.open(a);
        vm.reveal(a);
        assertEquals(List.of("open a.png", "reveal a.png"), desktop.calls);
    }

    @Test
    void showPutsTheImageOnTheCanvas() {
        vm.show(vm.visibleItems().get(2));
        assertNotNull(create.displayedImageBinding().get());
        assertTrue(create.captionBinding().get().contains("c.png"));
    }

    @Test
    void recallFromAnImageWithoutParametersIsReportedNotGuessed() {
        create.parameters().promptProperty().set("kept");
        vm.recall(vm.visibleItems().get(2), true);
        assertEquals("kept", create.parameters().promptProperty().get());
        assertNotNull(errors.getMessage());
        vm.recall(vm.visibleItems().get(0), true);
        assertEquals("a glass bird", create.parameters().promptProperty().get());
    }

    @Test
    void missingFolderIsAnEmptyGallery() {
        GalleryViewModel none = new GalleryViewModel(new SyncTaskRunner(), errors, desktop, () -> dir.resolve("no"),
                create);
        none.refresh();
        assertTrue(none.visibleItems().isEmpty());
        assertNull(errors.getMessage());
    }
}
