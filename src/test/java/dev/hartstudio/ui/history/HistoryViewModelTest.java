package dev.hartstudio.ui.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.create.CreateViewModel;
import dev.hartstudio.ui.create.ParametersViewModel;
import dev.hartstudio.ui.create.SeedMode;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import dev.hartstudio.ui.testing.TestImages;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryViewModelTest {

    @TempDir
    Path dir;

    private final FakeEngine engine = new FakeEngine();
    private final ErrorReporter errors = new ErrorReporter(null);
    private HistoryStore store;
    private CreateViewModel create;
    private HistoryViewModel vm;

    static HistoryEntry entry(String id, String prompt, long seed, String image) {
        return new HistoryEntry(id, 1000L, prompt, seed, 2.5, List.of(5, 6, 7, 8), 0.5, false, true, "LATENT_RGB", 0,
                "fake", "/b", "cpu", 16, 16, -1, null, image, null, null, null, null);
    }

    @BeforeEach
    void setUp() throws Exception {
        store = new HistoryStore(dir);
        store.add(entry("old", "a red cube", 11, null), null);
        store.add(entry("new", "a blue ball", 22, TestImages.writeLandscape(dir, "b.png", 16, 16).toString()), null);
        SyncTaskRunner runner = new SyncTaskRunner();
        EngineModel model = new EngineModel(runner, (f, p) -> engine);
        model.open(List.of(Path.of("/b")), ExecutionProvider.AUTO, e -> { });
        create = new CreateViewModel(new ParametersViewModel(() -> 3), new GenerationQueue(runner, model::engine),
                model);
        vm = new HistoryViewModel(store, runner, errors, create);
        vm.load();
    }

    @Test
    void loadShowsEntriesNewestFirst() {
        assertEquals(List.of("new", "old"), vm.visibleEntries().stream().map(HistoryEntry::id).toList());
    }

    @Test
    void searchMatchesPromptWordsAndSeed() {
        vm.searchProperty().set("cube red");
        assertEquals(List.of("old"), vm.visibleEntries().stream().map(HistoryEntry::id).toList());
        vm.searchProperty().set("22");
        assertEquals(List.of("new"), vm.visibleEntries().stream().map(HistoryEntry::id).toList());
        vm.searchProperty().set("nothing");
        assertTrue(vm.visibleEntries().isEmpty());
    }

    @Test
    void rerunQueuesExactlyTheEntrysParameters() {
        vm.rerun(vm.visibleEntries().get(1));
        GenerationRequest r = engine.requests.get(0);
        assertEquals(List.of("a red cube"), r.prompts());
        assertEquals(List.of(11L), r.seeds());
        assertEquals(2.5, r.cfg());
        assertEquals(0.5, r.topP());
        assertEquals(List.of(5, 6, 7, 8), java.util.Arrays.stream(r.topK()).boxed().toList());
        assertTrue(r.discreteOnly());
    }

    @Test
    void recallAllTakesTheSeedAndRecallAllButSeedKeepsOurs() {
        create.parameters().seedModeProperty().set(SeedMode.INCREMENT);
        create.parameters().seedTextProperty().set("5");
        vm.recallAllButSeed(vm.visibleEntries().get(0));
        assertEquals("a blue ball", create.parameters().promptProperty().get());
        assertEquals("5", create.parameters().seedTextProperty().get());
        assertEquals(SeedMode.INCREMENT, create.parameters().seedModeProperty().get());
        assertEquals("5, 6, 7, 8", create.parameters().topKTextProperty().get());
        vm.recallAll(vm.visibleEntries().get(0));
        assertEquals("22", create.parameters().seedTextProperty().get());
        assertEquals(SeedMode.FIXED, create.parameters().seedModeProperty().get());
    }

    @Test
    void openShowsTheSavedImage() {
        vm.open(vm.visibleEntries().get(0));
        assertNotNull(create.displayedImageBinding().get());
        assertTrue(create.captionBinding().get().contains("seed 22"));
    }

    @Test
    void openWithoutAnImageSaysSo() {
        vm.open(vm.visibleEntries().get(1));
        assertNull(create.displayedImageBinding().get());
        assertNotNull(errors.getMessage());
    }

    @Test
    void deleteRemovesTheEntryForGood() {
        vm.delete(vm.visibleEntries().get(1));
        assertEquals(List.of("new"), vm.visibleEntries().stream().map(HistoryEntry::id).toList());
        assertEquals(1, new HistoryStore(dir).entries().size());
    }

    static HistoryEntry branchEntry(String model, Long originalSeed, List<String> tokens) {
        return new HistoryEntry("br", 2000L, "a red cube", 1001, 2.5, List.of(5, 6, 7, 8), 0.5, false, true,
                "LATENT_RGB", 2, model, "/b", "cpu", 16, 16, -1, null, null, null, originalSeed, tokens, null);
    }

    @Test
    void rerunOfABranchKeepsTheScalesItKept() {
        int[][] kept = {{7}, {1, 2, 3, 0}};
        vm.rerun(branchEntry("fake", 11L, HistoryEntry.encodeTokens(kept)));
        GenerationRequest r = engine.requests.get(0);
        assertEquals(List.of(1001L), r.seeds());
        Branch b = r.branch();
        assertNotNull(b, "a branch re-runs as the same branch");
        assertEquals(2, b.fromScale());
        assertEquals(List.of(11L), b.originalSeeds());
        assertArrayEquals(kept[0], b.tokens()[0][0]);
        assertArrayEquals(kept[1], b.tokens()[1][0]);
        assertNull(errors.getMessage());
    }

    @Test
    void rerunOfABranchWithoutItsTokensSaysItWillDiffer() {
        for (HistoryEntry e : List.of(branchEntry("fake", null, null),
                branchEntry("fake", 11L, List.of("AAAA", "not base64!")),
                branchEntry("fake", 11L, List.of("AAAA")))) {
            engine.requests.clear();
            errors.dismiss();
            vm.rerun(e);
            assertNull(engine.requests.get(0).branch());
            assertTrue(errors.getMessage().text().contains("will not look the same"), errors.getMessage().text());
        }
    }

    @Test
    void rerunOfABranchMadeWithAnotherModelSaysSo() {
        vm.rerun(branchEntry("hart-tiny", 11L, HistoryEntry.encodeTokens(new int[][] {{1}, {1, 2, 3, 4}})));
        assertNull(engine.requests.get(0).branch());
        assertTrue(errors.getMessage().text().contains("hart-tiny"), errors.getMessage().text());
    }

    @Test
    void aSavedBranchKeepsItsOriginalSeedAndTokens() throws Exception {
        int[][][] tokens = {{{3}}, {{4, 5, 6, 7}}};
        GenerationRequest req = new GenerationRequest(List.of("a red cube"), List.of(1001L), 2.5, null, 0.5, false,
                false, false, dev.hartstudio.engine.generate.PreviewMode.NONE, new Branch(2, List.of(11L), tokens));
        GenerationResult result = engine.generate(req, e -> { }, new dev.hartstudio.engine.generate.GenerationControl());
        HistoryEntry entry = new ResultSaver(Clock.systemUTC()).entry(result, engine.model(), 2, null);
        store.add(entry, null);
        HistoryEntry reread = new HistoryStore(dir).entries().get(0);
        assertEquals(11L, reread.branchOriginalSeed());
        int[][] kept = reread.keptTokens().orElseThrow();
        assertArrayEquals(new int[] {3}, kept[0]);
        assertArrayEquals(new int[] {4, 5, 6, 7}, kept[1]);
    }

    @Test
    void branchingAPlainEntryRedrawsItsKeptScalesFromItsSeed() {
        HistoryEntry plain = vm.visibleEntries().get(1);                // "a red cube", seed 11, 4 scales
        assertTrue(vm.whyNotBranch(plain, 2).isEmpty());
        assertTrue(vm.branchFrom(plain, 2));
        GenerationRequest r = engine.requests.get(0);
        assertEquals(List.of("a red cube"), r.prompts());
        assertEquals(2, r.branch().fromScale());
        assertEquals(List.of(11L), r.branch().originalSeeds());
        assertNull(r.branch().tokens(), "the engine draws the kept scales again from seed 11");
        assertTrue(r.seeds().get(0) != 11L, "the rest gets a new seed");
        assertEquals(2.5, r.cfg());
        assertTrue(r.discreteOnly());
        assertEquals(2, create.getShownJob().branchFromScale());
    }

    @Test
    void branchingABranchUsesItsStoredTokensAndItsSeedChain() {
        int[][] all = {{7}, {1, 2, 3, 0}, {4, 4, 4, 4, 4, 4, 4, 4, 4}, new int[16]};   // kept 1-2, drew 3-4
        HistoryEntry br = branchEntry("fake", 11L, HistoryEntry.encodeTokens(all));
        assertTrue(vm.branchFrom(br, 3));
        GenerationRequest r = engine.requests.get(0);
        Branch b = r.branch();
        assertEquals(3, b.fromScale());
        assertArrayEquals(all[2], b.tokens()[2][0]);
        assertEquals(11L, Branch.seedAt(b, r.seeds(), 0, 0), "scales 1-2: the seed that first drew them");
        assertEquals(11L, Branch.seedAt(b, r.seeds(), 0, 1));
        assertEquals(1001L, Branch.seedAt(b, r.seeds(), 0, 2), "scale 3: the branch's own seed");
        assertEquals(r.seeds().get(0), Branch.seedAt(b, r.seeds(), 0, 3));
    }

    @Test
    void aBranchCanBeBranchedOnlyAsFarAsItsStoredTokensGo() {
        HistoryEntry br = branchEntry("fake", 11L, HistoryEntry.encodeTokens(new int[][] {{7}, {1, 2, 3, 0}}));
        assertTrue(vm.branchFrom(br, 1));
        assertTrue(vm.whyNotBranch(br, 3).orElseThrow().contains("at most scales 1–2"));
        assertTrue(!vm.branchFrom(br, 3));
        assertEquals(1, engine.requests.size(), "nothing more queued");
        assertTrue(errors.getMessage().text().contains("tokens of 2 scales"));
    }

    @Test
    void branchingIsRefusedWithItsReason() {
        HistoryEntry plain = vm.visibleEntries().get(1);
        assertTrue(vm.whyNotBranch(plain, 4).orElseThrow().contains("drawn again"), "the last scale is never kept");
        assertTrue(vm.whyNotBranch(plain, 0).isPresent());
        HistoryEntry other = branchEntry("hart-tiny", null, null);
        assertTrue(vm.whyNotBranch(other, 1).orElseThrow().contains("hart-tiny"));
        HistoryEntry oldBranch = branchEntry("fake", null, null);
        assertTrue(vm.whyNotBranch(oldBranch, 1).orElseThrow().contains("without its tokens"));
        HistoryEntry stopped = new HistoryEntry("st", 3000L, "a red cube", 5, 2.5, List.of(5, 6, 7, 8), 0.5, false,
                false, "LATENT_RGB", 0, "fake", "/b", "cpu", 16, 16, 1, null, null, null, null, null, null);
        assertTrue(vm.whyNotBranch(stopped, 2).isEmpty(), "scales 1-2 were drawn before it stopped");
        assertTrue(vm.whyNotBranch(stopped, 3).orElseThrow().contains("2 of 4"));
        assertTrue(!vm.branchFrom(stopped, 3));
        assertTrue(engine.requests.isEmpty());
        assertEquals(4, vm.scalesOfLoadedModel());
    }

    @Test
    void aBranchOfABranchKeepsItsChainAndReRunsWithIt() throws Exception {
        Branch first = new Branch(1, List.of(5L), new int[][][] {{{3}}});
        Branch second = new Branch(2, List.of(11L), new int[][][] {{{3}}, {{4, 5, 6, 7}}}, first);
        GenerationRequest req = new GenerationRequest(List.of("a red cube"), List.of(1001L), 2.5, null, 0.5, false,
                false, false, dev.hartstudio.engine.generate.PreviewMode.NONE, second);
        GenerationResult result = engine.generate(req, e -> { }, new dev.hartstudio.engine.generate.GenerationControl());
        store.add(new ResultSaver(Clock.systemUTC()).entry(result, engine.model(), 2, null), null);
        HistoryEntry reread = new HistoryStore(dir).entries().get(0);
        assertEquals(List.of(new HistoryEntry.BranchParent(1, 5L)), reread.branchParents());
        engine.requests.clear();
        vm.rerun(reread);
        Branch b = engine.requests.get(0).branch();
        assertEquals(5L, Branch.seedAt(b, List.of(1001L), 0, 0), "scale 1: the first seed");
        assertEquals(11L, Branch.seedAt(b, List.of(1001L), 0, 1), "scale 2: the first branch's seed");
        assertEquals(1001L, Branch.seedAt(b, List.of(1001L), 0, 2));
    }
}
