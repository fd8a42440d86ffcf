package dev.hartstudio.ui.create;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.ui.testing.FakeEngine;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParametersViewModelTest {

    private final AtomicLong dice = new AtomicLong(100);
    private ParametersViewModel vm;

    @BeforeEach
    void setUp() {
        vm = new ParametersViewModel(dice::incrementAndGet);
        vm.modelProperty().set(FakeEngine.defaultModel());
        vm.promptProperty().set("a red cube");
    }

    private List<Long> seeds(List<GenerationRequest> requests) {
        return requests.stream().map(r -> r.seeds().get(0)).toList();
    }

    @Test
    void firstModelFillsTheBundleDefaults() {
        assertEquals("4.5", vm.cfgTextProperty().get());
        assertEquals("60, 60, 60, 30", vm.topKTextProperty().get());
        assertEquals("0", vm.topPTextProperty().get());
        assertEquals("7", vm.seedTextProperty().get());
    }

    @Test
    void fixedSeedKeepsTheFieldAndGivesConsecutiveSeedsToABatch() {
        vm.seedModeProperty().set(SeedMode.FIXED);
        vm.seedTextProperty().set("41");
        vm.batchTextProperty().set("3");
        assertEquals(List.of(41L, 42L, 43L), seeds(vm.takeRequests()));
        assertEquals("41", vm.seedTextProperty().get());
        assertEquals(List.of(41L, 42L, 43L), seeds(vm.takeRequests()));
    }

    @Test
    void incrementAdvancesTheFieldPastTheLastSeedUsed() {
        vm.seedModeProperty().set(SeedMode.INCREMENT);
        vm.seedTextProperty().set("10");
        vm.batchTextProperty().set("2");
        assertEquals(List.of(10L, 11L), seeds(vm.takeRequests()));
        assertEquals("12", vm.seedTextProperty().get());
        assertEquals(List.of(12L, 13L), seeds(vm.takeRequests()));
    }

    @Test
    void randomDrawsANewSeedPerImageAndShowsTheFirst() {
        vm.seedModeProperty().set(SeedMode.RANDOM);
        vm.batchTextProperty().set("2");
        assertEquals(List.of(101L, 102L), seeds(vm.takeRequests()));
        assertEquals("101", vm.seedTextProperty().get());
    }

    @Test
    void diceStaysInTheReadableRange() {
        dice.set(-5);
        vm.rollDice();
        long s = Long.parseLong(vm.seedTextProperty().get());
        assertTrue(s >= 0 && s <= ParametersViewModel.DICE_MAX);
    }

    @Test
    void requestCarriesEveryField() {
        vm.seedModeProperty().set(SeedMode.FIXED);
        vm.seedTextProperty().set("5");
        vm.cfgTextProperty().set("3");
        vm.topKTextProperty().set("10");
        vm.topPTextProperty().set("0.9");
        vm.moreSmoothProperty().set(false);
        vm.residualDiffusionProperty().set(false);
        GenerationRequest r = vm.takeRequests().get(0);
        assertEquals(List.of("a red cube"), r.prompts());
        assertEquals(3.0, r.cfg());
        assertArrayEquals(new int[] {10, 10, 10, 10}, r.topK());
        assertEquals(0.9, r.topP());
        assertFalse(r.moreSmooth());
        assertTrue(r.discreteOnly());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "seed  | -1",
        "seed  | 9007199254740992",
        "seed  | abc",
        "cfg   | 51",
        "cfg   | -0.5",
        "cfg   | x",
        "topP  | 1",
        "topP  | -0.1",
        "topK  | 1,2",
        "topK  | 65",
        "topK  | -1",
        "batch | 0",
        "batch | 101"})
    void invalidValueShowsItsRangeAtTheField(String field, String text) {
        switch (field) {
            case "seed" -> vm.seedTextProperty().set(text);
            case "cfg" -> vm.cfgTextProperty().set(text);
            case "topP" -> vm.topPTextProperty().set(text);
            case "topK" -> vm.topKTextProperty().set(text);
            default -> vm.batchTextProperty().set(text);
        }
        String error = switch (field) {
            case "seed" -> vm.seedErrorBinding().get();
            case "cfg" -> vm.cfgErrorBinding().get();
            case "topP" -> vm.topPErrorBinding().get();
            case "topK" -> vm.topKErrorBinding().get();
            default -> vm.batchErrorBinding().get();
        };
        assertNotNull(error);
        assertTrue(error.matches(".*\\d.*"), "the message states the range: " + error);
        assertFalse(vm.validBinding().get());
        assertTrue(vm.takeRequests().isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0", "4.5", "50", "4,5"})
    void cfgAcceptsTheWholeRange(String text) {
        vm.cfgTextProperty().set(text);
        assertNull(vm.cfgErrorBinding().get());
    }

    @Test
    void topKAcceptsOneValueOrOnePerScale() {
        vm.topKTextProperty().set("5 6 7 8");
        assertNull(vm.topKErrorBinding().get());
        vm.topKTextProperty().set("0");
        assertNull(vm.topKErrorBinding().get());
    }

    @Test
    void recallAllSetsTheSeedAndFixesIt() {
        vm.recall(new GenerationParameters("blue ball", 99L, 2.0, List.of(1, 2, 3, 4), 0.5, false, true), true);
        assertEquals("blue ball", vm.promptProperty().get());
        assertEquals("99", vm.seedTextProperty().get());
        assertEquals(SeedMode.FIXED, vm.seedModeProperty().get());
        assertEquals("2", vm.cfgTextProperty().get());
        assertEquals("1, 2, 3, 4", vm.topKTextProperty().get());
        assertEquals("0.5", vm.topPTextProperty().get());
        assertFalse(vm.moreSmoothProperty().get());
        assertFalse(vm.residualDiffusionProperty().get());
    }

    @Test
    void recallAllButSeedKeepsSeedAndMode() {
        vm.seedModeProperty().set(SeedMode.RANDOM);
        vm.seedTextProperty().set("3");
        vm.recall(new GenerationParameters("blue ball", 99L, 2.0, null, null, null, null), false);
        assertEquals("blue ball", vm.promptProperty().get());
        assertEquals("3", vm.seedTextProperty().get());
        assertEquals(SeedMode.RANDOM, vm.seedModeProperty().get());
        assertEquals("60, 60, 60, 30", vm.topKTextProperty().get());
    }
}
