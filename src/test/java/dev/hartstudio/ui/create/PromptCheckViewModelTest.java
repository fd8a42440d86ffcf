package dev.hartstudio.ui.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** FakeEngine reads 8 tokens, one per word, and knows a dozen words. */
class PromptCheckViewModelTest {

    private final FakeEngine engine = new FakeEngine();
    private final ParametersViewModel params = new ParametersViewModel(() -> 1);

    private PromptCheckViewModel open(TaskRunner runner) {
        EngineModel model = new EngineModel(runner, (folder, provider) -> engine);
        PromptCheckViewModel vm = new PromptCheckViewModel(runner, model, params);
        model.open(List.of(Path.of("/bundles/fake")), ExecutionProvider.AUTO, e -> { });
        return vm;
    }

    @Test
    void aPromptThatFitsShowsOnlyTheCounter() {
        PromptCheckViewModel vm = open(new SyncTaskRunner());
        params.promptProperty().set("a red circle");
        assertEquals("3 / 8 tokens", vm.counterProperty().get());
        assertNull(vm.warningProperty().get());
        assertNull(vm.refusalProperty().get());
        assertFalse(vm.overProperty().get());
    }

    @Test
    void aTruncatedPromptWarnsWithTheKeptPart() {
        PromptCheckViewModel vm = open(new SyncTaskRunner());
        params.promptProperty().set("a red circle and a blue square on the left");
        assertEquals("10 / 8 tokens", vm.counterProperty().get());
        assertTrue(vm.overProperty().get());
        assertEquals("The prompt is 10 tokens long; the model reads only the first 8, so it sees: "
                + "\"a red circle and a blue square on\".", vm.warningProperty().get());
        assertTrue(params.validBinding().get(), "a truncated prompt can still be generated");
    }

    @Test
    void unknownWordsAreNamed() {
        PromptCheckViewModel vm = open(new SyncTaskRunner());
        params.promptProperty().set("a red dragon");
        assertEquals("The model does not know the word \"dragon\"; it is read as an unknown word.",
                vm.warningProperty().get());
    }

    @Test
    void aControlCharacterDisablesGenerateUntilItIsRemoved() {
        PromptCheckViewModel vm = open(new SyncTaskRunner());
        params.promptProperty().set("a red\u0007 circle");
        assertTrue(vm.refusalProperty().get().contains("control character U+0007 at position 6"));
        assertFalse(params.validBinding().get());
        assertNull(vm.warningProperty().get());
        params.promptProperty().set("a red circle");
        assertNull(vm.refusalProperty().get());
        assertTrue(params.validBinding().get());
    }

    @Test
    void nothingIsShownWithoutAModel() {
        SyncTaskRunner runner = new SyncTaskRunner();
        PromptCheckViewModel vm = new PromptCheckViewModel(runner, new EngineModel(runner, (f, p) -> engine), params);
        params.promptProperty().set("a red\u0007 circle");
        assertNull(vm.refusalProperty().get());
        assertEquals("", vm.counterProperty().get());
        assertTrue(engine.checkedPrompts.isEmpty());
    }

    @Test
    void typingWhileACheckRunsChecksOnlyTheNewestTextNext() {
        Queued runner = new Queued();
        PromptCheckViewModel vm = open(runner);
        runner.runAll();
        engine.checkedPrompts.clear();
        params.promptProperty().set("a");
        params.promptProperty().set("a r");
        params.promptProperty().set("a red");
        params.promptProperty().set("a red dragon");
        runner.runAll();
        assertEquals(List.of("a", "a red dragon"), engine.checkedPrompts, "one in flight, then the newest");
        assertEquals("3 / 8 tokens", vm.counterProperty().get());
        assertTrue(vm.warningProperty().get().contains("dragon"));
    }

    /** Runs submitted work only when asked (inline, as {@link SyncTaskRunner} does), to see what piles up meanwhile. */
    private static final class Queued implements TaskRunner {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private final SyncTaskRunner inline = new SyncTaskRunner();

        @Override
        public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
            tasks.add(() -> inline.submit(work, onSuccess, onFailure));
        }

        @Override
        public void onUi(Runnable action) {
            tasks.add(action);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }
}
