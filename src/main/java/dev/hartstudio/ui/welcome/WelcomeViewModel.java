package dev.hartstudio.ui.welcome;

import dev.hartstudio.ui.settings.SettingsViewModel;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * The first-run notice: what HART-tiny is and how to get the real model. Shown until dismissed (the
 * settings remember it), and again on request from Help.
 */
public final class WelcomeViewModel {

    /** The notice's title. */
    public static final String TITLE = "You are running HART-tiny, a demonstration model";

    /** What HART-tiny is. */
    public static final String ABOUT_TINY = "HART-tiny is a 5 M-parameter HART that this project trained on "
            + "Shapes World: coloured circles, squares, triangles, stars, rings and crosses, solid, striped or "
            + "dotted, at 128 px. Try \"a red striped circle in the top left\". It ships with the app so that "
            + "nothing has to be downloaded; it does not draw photographs.";

    /** How to get the real model, before the commands. */
    public static final String REAL_MODEL = "The real model is HART 0.7B (1024 px). Clone the Hugging Face "
            + "repositories mit-han-lab/hart-0.7b-1024px and mit-han-lab/Qwen2-VL-1.5B-Instruct and the GitHub "
            + "repository mit-han-lab/hart into the HART Studio checkout, then convert them once there:";

    /** The exact commands, run in the HART Studio checkout with the three clones in it. */
    public static final String COMMANDS = String.join("\n",
            "python3 -m venv .venv && .venv/bin/pip install -e onnx-export",
            ".venv/bin/python -m hart_export official --llm hart-0.7b-1024px/llm \\",
            "    --text-model Qwen2-VL-1.5B-Instruct --system-prompt hart --out bundles/hart-0.7b");

    /** What to do with the result. */
    public static final String THEN = "Then click Import bundle… (left panel) and choose the bundles/hart-0.7b "
            + "folder. This note stays available under Help ▸ Getting started.";

    private final SettingsViewModel settings;
    private final ReadOnlyBooleanWrapper showing;

    public WelcomeViewModel(SettingsViewModel settings) {
        this.settings = settings;
        this.showing = new ReadOnlyBooleanWrapper(this, "showing", !settings.get().welcomeDismissed());
    }

    // Properties

    /** Whether the notice is on screen: at first start until dismissed, and after {@link #show()}. */
    public ReadOnlyBooleanProperty showingProperty() {
        return showing.getReadOnlyProperty();
    }

    public boolean isShowing() {
        return showing.get();
    }

    // Commands

    /** Hides the notice and remembers it, so later starts do not show it. */
    public void dismiss() {
        showing.set(false);
        if (!settings.get().welcomeDismissed()) {
            settings.update(s -> s.withWelcomeDismissed(true));
        }
    }

    /** Shows the notice again (Help ▸ Getting started). */
    public void show() {
        showing.set(true);
    }
}
