package dev.hartstudio.ui.about;

import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.VersionReport;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.ModelInfo;

/** Help ▸ About: the same facts as {@code hart-studio --version}, for the model loaded now. */
public final class AboutViewModel {

    private final BuildInfo build;
    private final EngineModel engine;

    public AboutViewModel(BuildInfo build, EngineModel engine) {
        this.build = build;
        this.engine = engine;
    }

    // Properties

    /** Version, ONNX Runtime version and flavour, provider and bundle of the loaded model. */
    public VersionReport report() {
        ModelInfo m = engine.getModel();
        if (m == null) {
            return new VersionReport(build, "none yet (no model is loaded)", "none loaded");
        }
        return new VersionReport(build, m.providerLabel(), m.name() + " (" + m.folder() + ")");
    }
}
