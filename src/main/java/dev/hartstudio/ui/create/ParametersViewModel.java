package dev.hartstudio.ui.create;

import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.ui.engine.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The create panel's fields as text the user edits, each with a derived error message (null when
 * valid) that states the allowed range, and the commands that turn them into generation requests.
 */
public final class ParametersViewModel {

    /** Largest seed the dice draws: short enough to read and type, well inside the engine's range. */
    static final long DICE_MAX = (1L << 32) - 1;

    private final LongSupplier random;
    private final StringProperty prompt = new SimpleStringProperty(this, "prompt", "");
    private final StringProperty seedText = new SimpleStringProperty(this, "seedText", "1");
    private final ObjectProperty<SeedMode> seedMode = new SimpleObjectProperty<>(this, "seedMode", SeedMode.RANDOM);
    private final StringProperty cfgText = new SimpleStringProperty(this, "cfgText", "4.5");
    private final StringProperty topKText = new SimpleStringProperty(this, "topKText", "600");
    private final StringProperty topPText = new SimpleStringProperty(this, "topPText", "0");
    private final BooleanProperty moreSmooth = new SimpleBooleanProperty(this, "moreSmooth", true);
    private final BooleanProperty residualDiffusion = new SimpleBooleanProperty(this, "residualDiffusion", true);
    private final ObjectProperty<PreviewMode> previewMode =
            new SimpleObjectProperty<>(this, "previewMode", PreviewMode.LATENT_RGB);
    private final StringProperty batchText = new SimpleStringProperty(this, "batchText", "1");
    private final ObjectProperty<ModelInfo> model = new SimpleObjectProperty<>(this, "model");
    private final StringProperty promptRefusal = new SimpleStringProperty(this, "promptRefusal");
    private final StringBinding seedError;
    private final StringBinding cfgError;
    private final StringBinding topKError;
    private final StringBinding topPError;
    private final StringBinding batchError;
    private final BooleanBinding valid;

    /** @param random source of dice seeds (any long; reduced to 0 .. 2^32-1) */
    public ParametersViewModel(LongSupplier random) {
        this.random = random;
        seedError = Bindings.createStringBinding(() -> ParameterRules.checkSeed(seedText.get()), seedText);
        cfgError = Bindings.createStringBinding(() -> ParameterRules.checkCfg(cfgText.get()), cfgText);
        topPError = Bindings.createStringBinding(() -> ParameterRules.checkTopP(topPText.get()), topPText);
        batchError = Bindings.createStringBinding(() -> ParameterRules.checkBatch(batchText.get()), batchText);
        topKError = Bindings.createStringBinding(() -> {
            ModelInfo m = model.get();
            return m == null ? null : ParameterRules.checkTopK(topKText.get(), m.scales(), m.codebookSize());
        }, topKText, model);
        valid = Bindings.createBooleanBinding(() -> seedError.get() == null && cfgError.get() == null
                && topKError.get() == null && topPError.get() == null && batchError.get() == null
                && promptRefusal.get() == null,
                seedError, cfgError, topKError, topPError, batchError, promptRefusal);
        model.addListener((obs, old, m) -> onModelChanged(old, m));
    }

    // Properties

    public StringProperty promptProperty() {
        return prompt;
    }

    /** The seed as typed. */
    public StringProperty seedTextProperty() {
        return seedText;
    }

    public ObjectProperty<SeedMode> seedModeProperty() {
        return seedMode;
    }

    public StringProperty cfgTextProperty() {
        return cfgText;
    }

    /** One value for all scales, or one per scale separated by commas. */
    public StringProperty topKTextProperty() {
        return topKText;
    }

    public StringProperty topPTextProperty() {
        return topPText;
    }

    public BooleanProperty moreSmoothProperty() {
        return moreSmooth;
    }

    /** Whether the residual diffusion runs (off = discrete tokens only). */
    public BooleanProperty residualDiffusionProperty() {
        return residualDiffusion;
    }

    public ObjectProperty<PreviewMode> previewModeProperty() {
        return previewMode;
    }

    /** Images per click (batch count), each with its own seed. */
    public StringProperty batchTextProperty() {
        return batchText;
    }

    /** The loaded model; sets the top-k length and the defaults. */
    public ObjectProperty<ModelInfo> modelProperty() {
        return model;
    }

    /**
     * Why the engine refuses the prompt (a control character, a broken surrogate), or null; set by
     * {@link PromptCheckViewModel}. Generate stays disabled while it is set.
     */
    public StringProperty promptRefusalProperty() {
        return promptRefusal;
    }

    /** Error shown at the seed field, or null. */
    public StringBinding seedErrorBinding() {
        return seedError;
    }

    public StringBinding cfgErrorBinding() {
        return cfgError;
    }

    public StringBinding topKErrorBinding() {
        return topKError;
    }

    public StringBinding topPErrorBinding() {
        return topPError;
    }

    public StringBinding batchErrorBinding() {
        return batchError;
    }

    /** Whether every field is valid. */
    public BooleanBinding validBinding() {
        return valid;
    }

    // Commands

    /** Puts a new random seed in the seed field. */
    public void rollDice() {
        seedText.set(String.valueOf(nextRandomSeed()));
    }

    /** Resets every sampling field to the model's defaults (the prompt stays). */
    public void resetToDefaults() {
        ModelInfo m = model.get();
        if (m == null) {
            return;
        }
        cfgText.set(ParameterRules.formatNumber(m.defaults().cfg()));
        topKText.set(ParameterRules.formatTopK(m.defaults().topK()));
        topPText.set(ParameterRules.formatNumber(m.defaults().topP()));
        moreSmooth.set(m.defaults().moreSmooth());
        residualDiffusion.set(true);
    }

    /**
     * The requests for one click of Generate (one per image of the batch, each with its seed), and
     * the seed field advanced as the seed mode says. Empty when a field is invalid or no model is
     * loaded.
     */
    public List<GenerationRequest> takeRequests() {
        if (!valid.get() || model.get() == null) {
            return List.of();
        }
        int n = Integer.parseInt(batchText.get().strip());
        long seed = ParameterRules.parseSeed(seedText.get());
        List<GenerationRequest> out = new ArrayList<>();
        List<Long> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long s = switch (seedMode.get()) {
                case RANDOM -> nextRandomSeed();
                case FIXED, INCREMENT -> (seed + i) % (GenerationRequest.MAX_SEED + 1);
            };
            used.add(s);
            out.add(request(prompt.get(), s, null));
        }
        switch (seedMode.get()) {
            case RANDOM -> seedText.set(String.valueOf(used.get(0)));
            case INCREMENT -> seedText.set(String.valueOf((used.get(n - 1) + 1) % (GenerationRequest.MAX_SEED + 1)));
            case FIXED -> { }
        }
        return out;
    }

    /**
     * A request that keeps the scales before {@code branch.fromScale()} of an earlier result and
     * resamples the rest with a fresh random seed; the other fields come from {@code original}.
     */
    public GenerationRequest branchRequest(GenerationRequest original, Branch branch) {
        long s = nextRandomSeed();
        return new GenerationRequest(original.prompts(), List.of(s), original.cfg(), original.topK(), original.topP(),
                original.moreSmooth(), original.discreteOnly(), original.greedy(), previewMode.get(), branch);
    }

    /** Fills the fields from {@code p}; the seed only when {@code includeSeed}. */
    public void recall(GenerationParameters p, boolean includeSeed) {
        if (p.prompt() != null) {
            prompt.set(p.prompt());
        }
        if (includeSeed && p.seed() != null) {
            seedText.set(String.valueOf(p.seed()));
            seedMode.set(SeedMode.FIXED);
        }
        if (p.cfg() != null) {
            cfgText.set(ParameterRules.formatNumber(p.cfg()));
        }
        if (p.topK() != null && !p.topK().isEmpty()) {
            topKText.set(ParameterRules.formatTopK(p.topK()));
        }
        if (p.topP() != null) {
            topPText.set(ParameterRules.formatNumber(p.topP()));
        }
        if (p.moreSmooth() != null) {
            moreSmooth.set(p.moreSmooth());
        }
        if (p.discreteOnly() != null) {
            residualDiffusion.set(!p.discreteOnly());
        }
    }

    /** The request for {@code prompt} and {@code seed} with the current fields (which must be valid). */
    public GenerationRequest request(String promptText, long seed, Branch branch) {
        ModelInfo m = model.get();
        return new GenerationRequest(List.of(promptText), List.of(seed),
                ParameterRules.parseNumber(cfgText.get()),
                ParameterRules.parseTopK(topKText.get(), m.scales()),
                ParameterRules.parseNumber(topPText.get()),
                moreSmooth.get(), !residualDiffusion.get(), false, previewMode.get(), branch);
    }

    private long nextRandomSeed() {
        return Math.floorMod(random.getAsLong(), DICE_MAX + 1);
    }

    private void onModelChanged(ModelInfo old, ModelInfo m) {
        if (m == null) {
            return;
        }
        if (old == null) {
            resetToDefaults();
            seedText.set(String.valueOf(m.defaults().seed()));
        } else if (ParameterRules.checkTopK(topKText.get(), m.scales(), m.codebookSize()) != null) {
            topKText.set(ParameterRules.formatTopK(m.defaults().topK()));
        }
    }
}
