package dev.hartstudio.ui;

/**
 * A plain main class for the studio: JavaFX refuses to start an {@code Application} subclass named
 * as the main class from the class path, so scripts and IDEs start this one.
 */
public final class StudioLauncher {

    private StudioLauncher() {
    }

    public static void main(String[] args) {
        StudioApp.launch(args);
    }
}
