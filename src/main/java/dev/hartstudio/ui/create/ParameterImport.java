package dev.hartstudio.ui.create;

import dev.hartstudio.persistence.png.GenerationMetadata;
import dev.hartstudio.persistence.png.ImageParameters;
import dev.hartstudio.persistence.png.InfoText;

/** Turns the parameters stored in a PNG (ours or A1111's) into recallable create-panel values. */
public final class ParameterImport {

    private ParameterImport() {
    }

    /** Every value the file states; values it does not state stay null (nothing is guessed). */
    public static GenerationParameters of(ImageParameters p) {
        if (p instanceof GenerationMetadata m) {
            return new GenerationParameters(m.prompt(), m.seed(), m.cfg(), m.topK(), m.topP(), m.moreSmooth(),
                    m.discreteOnly());
        }
        InfoText t = (InfoText) p;
        return new GenerationParameters(t.prompt(), t.seed() == null || t.seed() < 0 ? null : t.seed(), t.cfgScale(),
                null, null, null, null);
    }

    /** "HART Studio" or "Stable Diffusion web UI (A1111) text" with the model name when stated. */
    public static String source(ImageParameters p) {
        if (p instanceof GenerationMetadata m) {
            return "HART Studio · " + m.bundleName();
        }
        InfoText t = (InfoText) p;
        return "A1111-style text" + (t.model() == null ? "" : " · " + t.model());
    }
}
