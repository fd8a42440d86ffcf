package dev.hartstudio.ui.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.create.CreateViewModel;
import dev.hartstudio.ui.create.ParametersViewModel;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The banner above the history list when the history file was damaged, and entries from another studio. */
class HistoryNoticeTest {

    @TempDir
    Path dir;

    private final ErrorReporter errors = new ErrorReporter(null);

    private HistoryViewModel viewModel(HistoryStore store) {
        SyncTaskRunner runner = new SyncTaskRunner();
        EngineModel model = new EngineModel(runner, (f, p) -> new FakeEngine());
        model.open(List.of(Path.of("/b")), ExecutionProvider.AUTO, e -> { });
        CreateViewModel create = new CreateViewModel(new ParametersViewModel(() -> 3),
                new GenerationQueue(runner, model::engine), model);
        return new HistoryViewModel(store, runner, errors, create);
    }

    private static HistoryEntry entry(String id) {
        return HistoryViewModelTest.entry(id, "prompt " + id, 1, null);
    }

    @Test
    void aDamagedHistoryFileShowsABannerNamingWhereItWasMoved() throws Exception {
        Path file = Files.createDirectories(dir.resolve(HistoryStore.FOLDER)).resolve(HistoryStore.FILE);
        Files.writeString(file, "[{\"id\": \"a\", \"prompt\": \"cut off her");
        HistoryStore store = new HistoryStore(dir, AtomicWrite.standard(),
                Clock.fixed(Instant.parse("2026-12-07T23:45:10Z"), ZoneOffset.UTC));
        HistoryViewModel vm = viewModel(store);
        assertEquals("", vm.noticeProperty().get());
        vm.load();
        Path aside = file.resolveSibling(HistoryStore.FILE + ".broken-20261207-234510");
        assertTrue(Files.exists(aside));
        assertEquals("The history file " + file + " was damaged (" + store.lastProblem().orElseThrow()
                .replaceAll("^.*was damaged \\((.*)\\) and was moved.*$", "$1") + ") and was moved to " + aside
                + "; the history starts empty.", vm.noticeProperty().get());
        assertTrue(vm.allEntries().isEmpty());
        assertNull(errors.getMessage(), "the message bar is left to other problems (the settings)");
        vm.dismissNotice();
        assertEquals("", vm.noticeProperty().get());
        vm.add(entry("after"), null);
        assertEquals("", vm.noticeProperty().get(), "the same problem is not shown again");
        assertEquals(List.of("after"), vm.allEntries().stream().map(HistoryEntry::id).toList());
    }

    @Test
    void aGoodHistoryShowsNoBanner() throws Exception {
        HistoryStore store = new HistoryStore(dir);
        store.add(entry("a"), null);
        HistoryViewModel vm = viewModel(store);
        vm.load();
        assertEquals("", vm.noticeProperty().get());
        assertEquals(1, vm.allEntries().size());
    }

    @Test
    void addingShowsWhatAnotherStudioAddedMeanwhile() throws Exception {
        HistoryViewModel vm = viewModel(new HistoryStore(dir));
        vm.load();
        new HistoryStore(dir).add(entry("other"), null);
        vm.add(entry("mine"), null);
        assertEquals(List.of("mine", "other"), vm.allEntries().stream().map(HistoryEntry::id).toList());
    }
}
