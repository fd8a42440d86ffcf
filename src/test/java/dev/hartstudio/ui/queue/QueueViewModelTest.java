package dev.hartstudio.ui.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.ui.create.ParametersViewModel;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueViewModelTest {

    private final FakeEngine engine = new FakeEngine();
    private ParametersViewModel params;
    private QueueViewModel vm;

    @BeforeEach
    void setUp() {
        params = new ParametersViewModel(() -> 1);
        params.modelProperty().set(engine.model());
        params.promptProperty().set("from the create panel");
        vm = new QueueViewModel(new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine)), params);
    }

    @Test
    void planIsEveryPromptWithEverySeedInOrder() {
        vm.promptsProperty().set("a cat\n\n  a dog  \n");
        vm.seedFromProperty().set("10");
        vm.seedToProperty().set("12");
        assertEquals(6, vm.plannedBinding().get());
        assertEquals(6, vm.enqueuePlan().size());
        assertEquals(List.of("a cat", "a cat", "a cat", "a dog", "a dog", "a dog"),
                engine.requests.stream().map(r -> r.prompts().get(0)).toList());
        assertEquals(List.of(10L, 11L, 12L, 10L, 11L, 12L), engine.seeds());
        assertTrue(vm.queue().jobs().stream().allMatch(j -> j.getState() == GenerationJob.State.DONE));
    }

    @Test
    void emptyPromptListUsesTheCreatePanelsPrompt() {
        vm.seedFromProperty().set("3");
        vm.seedToProperty().set("3");
        vm.enqueuePlan();
        assertEquals("from the create panel", engine.requests.get(0).prompts().get(0));
    }

    @Test
    void planCarriesTheCreatePanelsParameters() {
        params.cfgTextProperty().set("2.5");
        params.residualDiffusionProperty().set(false);
        vm.seedToProperty().set("1");
        vm.enqueuePlan();
        GenerationRequest r = engine.requests.get(0);
        assertEquals(2.5, r.cfg());
        assertTrue(r.discreteOnly());
    }

    @Test
    void reversedSeedRangeIsShownAtTheField() {
        vm.seedFromProperty().set("9");
        vm.seedToProperty().set("2");
        assertNotNull(vm.seedErrorBinding().get());
        assertEquals(0, vm.plannedBinding().get());
        assertFalse(vm.canEnqueueBinding().get());
        assertTrue(vm.enqueuePlan().isEmpty());
    }

    @Test
    void tooLargeAPlanIsRefused() {
        vm.seedFromProperty().set("0");
        vm.seedToProperty().set("100000");
        assertFalse(vm.canEnqueueBinding().get());
    }

    @Test
    void invalidCreateParametersBlockThePlan() {
        params.topPTextProperty().set("2");
        assertFalse(vm.canEnqueueBinding().get());
    }
}
