package dev.hartstudio.persistence.settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The user's persisted preferences. Immutable; change with the {@code withXxx} methods. Unknown or
 * missing values from an older file fall back to the defaults in the compact constructor.
 *
 * @param outputFolder where finished images are saved as PNG
 * @param previewMode {@code LATENT_RGB}, {@code FULL_DECODE} or {@code NONE}
 * @param provider execution provider preference: {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param theme {@code light} or {@code dark}
 * @param lastBundle the bundle folder opened last, or null
 * @param recentBundles bundle folders opened before, most recent first (at most {@value #MAX_RECENT})
 * @param windowWidth last window width, 0 = default
 * @param windowHeight last window height, 0 = default
 * @param welcomeDismissed whether the first-run notice (what HART-tiny is, how to get the real model) was dismissed
 */
public record Settings(String outputFolder, String previewMode, String provider, String theme, String lastBundle,
                       List<String> recentBundles, double windowWidth, double windowHeight, boolean welcomeDismissed) {

    public static final int MAX_RECENT = 8;
    public static final String LIGHT = "light";
    public static final String DARK = "dark";

    public Settings {
        if (outputFolder == null || outputFolder.isBlank()) {
            outputFolder = DataFolder.defaultOutputFolder().toString();
        }
        if (previewMode == null || !List.of("LATENT_RGB", "FULL_DECODE", "NONE").contains(previewMode)) {
            previewMode = "LATENT_RGB";
        }
        if (provider == null || provider.isBlank()) {
            provider = "auto";
        }
        if (!DARK.equals(theme)) {
            theme = LIGHT;
        }
        recentBundles = recentBundles == null ? List.of() : List.copyOf(recentBundles);
    }

    /** Defaults: ~/Pictures/HART Studio, latent previews, auto provider, light theme. */
    public static Settings defaults() {
        return new Settings(null, null, null, null, null, null, 0, 0, false);
    }

    public Settings withOutputFolder(String value) {
        return new Settings(value, previewMode, provider, theme, lastBundle, recentBundles, windowWidth,
                windowHeight, welcomeDismissed);
    }

    public Settings withPreviewMode(String value) {
        return new Settings(outputFolder, value, provider, theme, lastBundle, recentBundles, windowWidth,
                windowHeight, welcomeDismissed);
    }

    public Settings withProvider(String value) {
        return new Settings(outputFolder, previewMode, value, theme, lastBundle, recentBundles, windowWidth,
                windowHeight, welcomeDismissed);
    }

    public Settings withTheme(String value) {
        return new Settings(outputFolder, previewMode, provider, value, lastBundle, recentBundles, windowWidth,
                windowHeight, welcomeDismissed);
    }

    public Settings withWindowSize(double width, double height) {
        return new Settings(outputFolder, previewMode, provider, theme, lastBundle, recentBundles, width, height,
                welcomeDismissed);
    }

    public Settings withWelcomeDismissed(boolean value) {
        return new Settings(outputFolder, previewMode, provider, theme, lastBundle, recentBundles, windowWidth,
                windowHeight, value);
    }

    /** Records {@code folder} as the last bundle and moves it to the front of the recent list. */
    public Settings withBundleOpened(String folder) {
        List<String> recent = new ArrayList<>(recentBundles);
        recent.remove(folder);
        recent.add(0, folder);
        while (recent.size() > MAX_RECENT) {
            recent.remove(recent.size() - 1);
        }
        return new Settings(outputFolder, previewMode, provider, theme, folder, recent, windowWidth, windowHeight,
                welcomeDismissed);
    }
}
